import Learning
import Testing

/// Pins every tree family's fitted trees bit for bit (a hash over every node's split feature,
/// threshold, children, value, cover and gain), so a faster grower must grow the same trees.
/// The 1024-bin forests' pins were renewed on purpose when their nodes below twice the bins
/// per feature began scanning rows with direct sums instead of (subtracted) histograms: the
/// same split rules, only the rounding of the sums differs (hold-out RMSE within 0.4 %).
@Suite("Tree fingerprints")
struct TreeFingerprintTests {
    /// FNV-1a over the bit patterns of every tree's node arrays, in tree order.
    static func fingerprint(_ ensemble: TreeEnsemble, gains: Bool = true) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ v: UInt64) {
            for shift in stride(from: 0, to: 64, by: 8) {
                hash ^= (v >> UInt64(shift)) & 0xff
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        mix(ensemble.base.bitPattern)
        for t in ensemble.trees {
            mix(UInt64(t.nodeCount))
            for i in 0..<t.nodeCount {
                mix(UInt64(bitPattern: Int64(t.feature[i]))); mix(t.threshold[i].bitPattern)
                mix(UInt64(bitPattern: Int64(t.left[i]))); mix(UInt64(bitPattern: Int64(t.right[i])))
                mix(t.value[i].bitPattern); mix(t.cover[i].bitPattern)
                if gains { mix(t.gain[i].bitPattern) }
            }
        }
        return hash
    }

    @Test("7-day default fits grow the pinned trees")
    func sevenDayDefaults() throws {
        let fits = try #require(TreeFits.sevenDay)
        let forest = try #require(fits.forest)
        #expect(Self.fingerprint(forest.ensemble) == 16534027590616513244)
        #expect(Self.fingerprint(forest.ensemble, gains: false) == 10511650982428680812)
        #expect(Self.fingerprint(fits.boosting.ensemble) == 16352635679725379857)
        #expect(Self.fingerprint(fits.xgboost.ensemble) == 17195437192440568454)
        #expect(Self.fingerprint(fits.classifier.ensemble) == 14424634708191059574)
    }

    @Test("30-day default boosters grow the pinned trees")
    func thirtyDayDefaults() throws {
        let fits = try #require(TreeFits.thirtyDay)
        #expect(Self.fingerprint(fits.boosting.ensemble) == 2655241920654581088)
        #expect(Self.fingerprint(fits.xgboost.ensemble) == 5408145704296209928)
        #expect(Self.fingerprint(fits.classifier.ensemble) == 10345296427247336960)
    }

    @Test("forests with feature sampling grow the pinned trees (7 and 30 days)")
    func sampledForests() throws {
        let seven = try #require(Window.sevenDay.prepared)
        let thirty = try #require(Window.thirtyDay.prepared)
        let hp = RandomForest.Hyperparameters(treeCount: 8, maxFeatures: 0.5)
        let a = try RandomForest.fit(x: seven.trainX, y: seven.trainY, hyperparameters: hp, seed: 3, threads: 2)
        let b = try RandomForest.fit(x: thirty.trainX, y: thirty.trainY, hyperparameters: hp, seed: 3, threads: 2)
        let c = try RandomForest.fit(x: thirty.trainX, y: thirty.trainY,
                                     hyperparameters: .init(treeCount: 6, minSamplesLeaf: 3, maxBins: 256), seed: 4)
        #expect(Self.fingerprint(a.ensemble) == 11087505540598158115)
        #expect(Self.fingerprint(b.ensemble) == 15263108984881255125)
        #expect(Self.fingerprint(c.ensemble) == 2352049328789710009)
        #expect(Self.fingerprint(a.ensemble, gains: false) == 17859095882266994574)
        #expect(Self.fingerprint(b.ensemble, gains: false) == 2351749441756748142)
        #expect(Self.fingerprint(c.ensemble, gains: false) == 9724559149092108428)
    }

    @Test("boosters with a minimum leaf size and feature sampling grow the pinned trees")
    func constrainedBoosters() throws {
        let seven = try #require(Window.sevenDay.prepared)
        let gb = try GradientBoosting.fit(x: seven.trainX, y: seven.trainY,
                                          hyperparameters: .init(treeCount: 10, minSamplesLeaf: 5, maxFeatures: 0.6), seed: 7)
        let xgb = try XGBoostRegressor.fit(x: seven.trainX, y: seven.trainY,
                                           hyperparameters: .init(treeCount: 10, lambda: 0.5, minChildWeight: 4), seed: 7)
        #expect(Self.fingerprint(gb.ensemble) == 13673011797049872298)
        #expect(Self.fingerprint(xgb.ensemble) == 10009529330007482847)
    }
}
