import SentinelTesting
import Testing
import HTTPServer

@Suite struct CORSTests {
    func configure(_ c: inout ServerConfiguration) {
        c.cors = CORSPolicy(allowedOrigins: ["https://dash.example"], maxAge: 600)
    }

    @Test func allowedOriginIsEchoedWithVary() throws {
        try TestServer.with(TestServer.sampleRouter(), configure: configure) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\nOrigin: https://dash.example\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.header("Access-Control-Allow-Origin") == "https://dash.example")
            #expect(response.header("Vary") == "Origin")
        }
    }

    @Test func disallowedOriginGetsNoAllowHeader() throws {
        try TestServer.with(TestServer.sampleRouter(), configure: configure) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("Access-Control-Allow-Origin") == nil)
            #expect(response.header("Vary") == "Origin")
        }
    }

    @Test func preflightIsAnswered204WithMethodsAndMaxAge() throws {
        try TestServer.with(TestServer.sampleRouter(), configure: configure) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send("OPTIONS /upload HTTP/1.1\r\nHost: x\r\nOrigin: https://dash.example\r\n"
                        + "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 204)
            #expect(response.header("Access-Control-Allow-Origin") == "https://dash.example")
            #expect(response.header("Access-Control-Allow-Methods") == "OPTIONS, POST")
            #expect(response.header("Access-Control-Max-Age") == "600")
            #expect(response.header("Access-Control-Allow-Headers")?.contains("Content-Type") == true)
        }
    }

    @Test func wildcardWithCredentialsIsRejectedAtStart() {
        var configuration = ServerConfiguration()
        configuration.cors = CORSPolicy(allowedOrigins: ["*"], allowCredentials: true)
        let server = HTTPServer(configuration: configuration, router: Router(), logger: TestServer.quietLogger)
        #expect(throws: ServerError.self) { try server.start() }
    }

    @Test func portInUseIsATypedError() throws {
        try TestServer.with(Router()) { server in
            var configuration = ServerConfiguration(port: server.port)
            configuration.eventLoops = 1
            let other = HTTPServer(configuration: configuration, router: Router(), logger: TestServer.quietLogger)
            #expect(throws: ServerError.addressInUse(host: "127.0.0.1", port: server.port)) { try other.start() }
        }
    }
}

@Suite struct MetricsTests {
    @Test func rendersCountersAndCumulativeBuckets() {
        let metrics = RequestMetrics()
        metrics.requestFinished(route: "/v1/assets/{asset}", method: "GET", status: 200, seconds: 0.003)
        metrics.requestFinished(route: "/v1/assets/{asset}", method: "GET", status: 200, seconds: 0.2)
        metrics.requestFinished(route: "/v1/assets/{asset}", method: "GET", status: 404, seconds: 0.0005)
        let text = metrics.render()
        #expect(text.contains(#"sentinel_http_requests_total{route="/v1/assets/{asset}",method="GET",status="200"} 2"#))
        #expect(text.contains(#"sentinel_http_requests_total{route="/v1/assets/{asset}",method="GET",status="404"} 1"#))
        #expect(text.contains(#"sentinel_http_request_duration_seconds_bucket{route="/v1/assets/{asset}",method="GET",le="0.005"} 2"#))
        #expect(text.contains(#"sentinel_http_request_duration_seconds_bucket{route="/v1/assets/{asset}",method="GET",le="+Inf"} 3"#))
        #expect(text.contains("# TYPE sentinel_http_request_duration_seconds histogram"))
    }

    @Test func liveServerReportsEveryRequestToTheObserver() throws {
        let metrics = RequestMetrics()
        var configuration = ServerConfiguration()
        configuration.eventLoops = 1
        let server = HTTPServer(configuration: configuration, router: TestServer.sampleRouter(),
                                logger: TestServer.quietLogger, observer: metrics)
        try server.start()
        defer { server.shutdown() }
        let client = try RawHTTPClient(port: server.port)
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try client.readResponse()
        _ = try client.readResponse()
        #expect(metrics.totalRequests == 2)
        #expect(metrics.render().contains(#"route="unmatched",method="GET",status="404"} 1"#))
    }
}
