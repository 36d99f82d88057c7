import Domain
import HTTPClient
import Pipelines

/// Webhook POSTs over libcurl (the HTTPClient module), on the webhook dispatcher's own
/// thread. Plain `http` is refused except to loopback hosts (HTTPClient's rule); responses
/// are capped at 64 KiB since only the status matters.
struct CurlWebhookTransport: WebhookTransport {
    let client = HTTPClient(configuration: HTTPClientConfiguration(connectTimeout: .seconds(3), totalTimeout: .seconds(10),
                                                                   maxResponseBytes: 64 * 1024, workerThreads: 1))

    func post(url: String, headers: [WebhookHeader], body: [UInt8], timeout: Milliseconds) throws(WebhookTransportError) -> Int {
        let request = HTTPRequest.post(url, headers: headers.map { HTTPHeader($0.name, $0.value) }, body: body,
                                       timeout: .milliseconds(timeout.value))
        do {
            return try client.sendBlocking(request).status
        } catch {
            switch error {
            case .timeout(let m): throw .timeout(m)
            case .couldNotConnect(let m): throw .couldNotConnect(m)
            default: throw .other(error.description)
            }
        }
    }
}
