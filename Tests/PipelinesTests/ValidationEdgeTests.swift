import Testing
import Domain
@testable import Pipelines

/// Validation of single predictions at the edges: missing prices, late bars, the flat band.
struct ValidationEdgeTests {
    static let bar0 = Timestamp(seconds: 1_744_689_300)  // a 5-minute boundary

    static func prediction(price: Double = 100, direction: Direction = .up, barTime: Timestamp = bar0) -> Prediction {
        let target = barTime + BarGrid.step + .minutes(30)
        return Prediction(id: ULID("01JRQ7Z4X8M0B6AAAAAAAAAAAA")!, asset: AssetID("bitcoin"), modelID: ULID("01JRQ6Z4X8M0B6AAAAAAAAAAAA")!,
                          modelFamily: .ridge, shadow: false, featureSet: "v1", featuresSHA256: "00", madeAt: barTime + BarGrid.step,
                          barTime: barTime, targetTime: target, price: price, predictedReturn: direction == .up ? 0.001 : -0.001,
                          predictedPrice: price * (direction == .up ? 1.001 : 0.999), direction: direction, confidence: 0.6,
                          regime: "accumulation", modelSkill: 0, validation: .pending)
    }

    static func bar(closingAt t: Timestamp, close: Double) -> Bar {
        Bar(time: t - BarGrid.step, open: close, high: close, low: close, close: close, volume: 1)
    }

    @Test func staysPendingBeforeTheTargetTime() {
        let p = Self.prediction()
        let v = ValidationPipeline.validation(of: p, bar: nil, now: p.targetTime - .minutes(1))
        #expect(!v.isValidated)
        #expect(v.note == "target time not reached")
    }

    @Test func noPriceWithinTheWindowLeavesItPendingWithANote() {
        let p = Self.prediction()
        let v = ValidationPipeline.validation(of: p, bar: nil, now: p.targetTime + .minutes(20))
        #expect(!v.isValidated)
        #expect(v.note == ValidationPipeline.noPriceNote)
    }

    @Test func aNeighbourBarWaitsUntilTheWindowHasPassed() {
        let p = Self.prediction()
        let neighbour = Self.bar(closingAt: p.targetTime - .minutes(5), close: 101)
        #expect(ValidationPipeline.validation(of: p, bar: neighbour, now: p.targetTime + .minutes(1)).note == ValidationPipeline.waitingNote)
        let later = ValidationPipeline.validation(of: p, bar: neighbour, now: p.targetTime + .minutes(5))
        #expect(later.outcome == .correct)
        #expect(later.actualTime == p.targetTime - .minutes(5))
    }

    @Test func aMoveBelowTheTenthOfAPercentIsFlat() {
        let p = Self.prediction(price: 100)
        let justBelow = ValidationPipeline.validation(of: p, bar: Self.bar(closingAt: p.targetTime, close: 100.0999), now: p.targetTime)
        #expect(justBelow.outcome == .flat)
        let justAbove = ValidationPipeline.validation(of: p, bar: Self.bar(closingAt: p.targetTime, close: 100.1001), now: p.targetTime)
        #expect(justAbove.outcome == .correct)
        let down = ValidationPipeline.validation(of: p, bar: Self.bar(closingAt: p.targetTime, close: 99.8999), now: p.targetTime)
        #expect(down.outcome == .incorrect)
    }

    @Test func errorIsActualMinusPredictedPrice() throws {
        let p = Self.prediction(price: 100, direction: .down)
        let v = ValidationPipeline.validation(of: p, bar: Self.bar(closingAt: p.targetTime, close: 98), now: p.targetTime)
        #expect(v.outcome == .correct)
        #expect(abs(try #require(v.error) - (98 - 99.9)) < 1e-12)
        #expect(v.actualPrice == 98)
        #expect(v.validatedAt == p.targetTime)
    }
}
