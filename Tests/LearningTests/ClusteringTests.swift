import Testing
@testable import Learning

@Suite("PCA, k-means and regimes")
struct ClusteringTests {
    @Test("PCA explained variance ratios match scikit-learn", arguments: Window.allCases)
    func pcaRatiosMatch(window: Window) throws {
        let p = try #require(window.prepared)
        let ref = p.fixture.reference.pca
        let pca = try PCA(fitting: p.trainX, componentCount: 5)
        #expect(maxAbsDifference(pca.explainedVarianceRatio, ref.explained_variance_ratio) <= 1e-6)
        for k in 0..<5 {
            #expect(abs(pca.explainedVariance[k] - ref.explained_variance[k]) <= 1e-6 * ref.explained_variance[k])
        }
    }

    @Test("PCA components have scikit-learn's signs and values", arguments: Window.allCases)
    func pcaComponentsMatch(window: Window) throws {
        let p = try #require(window.prepared)
        let pca = try PCA(fitting: p.trainX, componentCount: 5)
        for (mine, theirs) in zip(pca.components, p.fixture.reference.pca.components) {
            #expect(maxAbsDifference(mine, theirs) <= 1e-6)
        }
    }

    @Test("PCA on a line puts all variance on the first axis, largest loading positive")
    func pcaOnALine() throws {
        let x = Matrix(rows: 4, columns: 2, values: [0, 0, -1, -2, -2, -4, -3, -6])
        let pca = try PCA(fitting: x, componentCount: 2)
        #expect(abs(pca.explainedVarianceRatio[0] - 1) <= 1e-12)
        #expect(pca.components[0][1] > 0)
        #expect(abs(pca.components[0][1] - 2 / 5.0.squareRoot()) <= 1e-12)
    }

    @Test("k-means inertia in PCA space is within 1 % of scikit-learn's or lower", arguments: Window.allCases)
    func kmeansInertiaInPCASpace(window: Window) throws {
        let p = try #require(window.prepared)
        let projected = try PCA(fitting: p.trainX, componentCount: 5).transform(p.trainX)
        let kmeans = try KMeans(fitting: projected, clusterCount: 4, initCount: 10, seed: 42)
        #expect(kmeans.inertia <= 1.01 * p.fixture.reference.kmeans.inertia)
        #expect(kmeans.clusters(projected).count == projected.rows)
    }

    @Test("k-means inertia on the 32 scaled features is within 1 % of scikit-learn's or lower")
    func kmeansInertia32d() throws {
        let p = try #require(Window.sevenDay.prepared)
        let kmeans = try KMeans(fitting: p.trainX, clusterCount: 4, initCount: 10, seed: 42)
        #expect(kmeans.inertia <= 1.01 * p.fixture.reference.kmeans_scaled_32d.inertia)
    }

    @Test("k-means finds well separated blobs and is deterministic for a seed")
    func kmeansSeparatedBlobs() throws {
        var values = [Double]()
        let centres: [(Double, Double)] = [(0, 0), (10, 0), (0, 10)]
        for (cx, cy) in centres {
            for i in 0..<20 { values += [cx + Double(i % 5) * 0.1, cy + Double(i / 5) * 0.1] }
        }
        let x = Matrix(rows: 60, columns: 2, values: values)
        let a = try KMeans(fitting: x, clusterCount: 3, seed: 7)
        let b = try KMeans(fitting: x, clusterCount: 3, seed: 7)
        #expect(a == b)
        let labels = a.clusters(x)
        #expect(Set(labels[0..<20]).count == 1 && Set(labels[20..<40]).count == 1 && Set(labels[40..<60]).count == 1)
        #expect(Set(labels).count == 3)
        // Each blob is a 5×4 grid of step 0.1: x spread 4 × 0.1, y spread 5 × 0.05 around the centre.
        #expect(abs(a.inertia - 3 * (4 * 0.1 + 5 * 0.05)) <= 1e-9)
    }

    @Test("k-means gives the same clustering on one thread and on several")
    func kmeansThreadIndependent() throws {
        let p = try #require(Window.sevenDay.prepared)
        let projected = try PCA(fitting: p.trainX, componentCount: 5).transform(p.trainX)
        let one = try KMeans(fitting: projected, clusterCount: 4, initCount: 4, seed: 9, threads: 1)
        let many = try KMeans(fitting: projected, clusterCount: 4, initCount: 4, seed: 9, threads: 3)
        #expect(one == many)
    }

    @Test("regimes are named from mean return, then volatility")
    func regimeNaming() {
        let names = RegimeModel.names(meanReturn: [0.001, -0.002, 0.0005, 0.0004],
                                      meanVolatility: [0.5, 0.9, 0.8, 0.3])
        #expect(names == [.uptrend, .downtrend, .distribution, .accumulation])
    }

    @Test("a regime model on scaled rows names every cluster once")
    func regimeModelFits() throws {
        let p = try #require(Window.sevenDay.prepared)
        let volatility = try #require(p.fixture.columns.firstIndex(of: "volatility"))
        let model = try RegimeModel(fitting: p.trainX, returns: p.trainY, volatility: p.trainX.column(volatility))
        #expect(Set(model.names) == Set(Regime.allCases))
        #expect(model.pca.componentCount == 5 && model.kmeans.clusterCount == 4)
        let regimes = (0..<p.holdoutX.rows).map { model.regime(p.holdoutX.row($0)) }
        #expect(regimes.count == p.holdoutX.rows)
    }
}
