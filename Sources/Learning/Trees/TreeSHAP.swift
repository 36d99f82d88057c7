/// Exact path-dependent TreeSHAP for one tree (Lundberg, Erion & Lee, "Consistent
/// Individualized Feature Attribution for Tree Ensembles", Algorithm 2): polynomial time in
/// the depth, with node covers standing in for the training distribution. For every `x`,
/// `tree.expectedValue + Σ contributions == tree.predict(x)` up to rounding.
struct TreeSHAP {
    /// One element of the path of unique features from the root to the current node.
    struct PathElement {
        var feature: Int = -1
        var zeroFraction: Double = 0
        var oneFraction: Double = 0
        var weight: Double = 0
    }

    /// Path elements needed for a tree of the given depth: one segment per recursion level.
    static func pathCapacity(depth: Int) -> Int { (depth + 2) * (depth + 3) / 2 }

    let tree: RegressionTree
    let x: ArraySlice<Double>
    let phi: UnsafeMutablePointer<Double>
    let scale: Double

    /// Adds `scale ×` this tree's contributions for `x` to `phi`. `path` must hold
    /// `pathCapacity(depth:)` elements for the tree's depth.
    static func accumulate(tree: RegressionTree, x: ArraySlice<Double>, scale: Double,
                           phi: UnsafeMutablePointer<Double>, path: UnsafeMutablePointer<PathElement>) {
        let walk = TreeSHAP(tree: tree, x: x, phi: phi, scale: scale)
        path[0] = PathElement()
        walk.recurse(node: 0, uniqueDepth: 0, parentPath: path, zeroFraction: 1, oneFraction: 1, feature: -1)
    }

    private func recurse(node: Int, uniqueDepth depthIn: Int, parentPath: UnsafeMutablePointer<PathElement>,
                         zeroFraction: Double, oneFraction: Double, feature: Int) {
        var uniqueDepth = depthIn
        let path = parentPath + uniqueDepth + 1
        path.update(from: parentPath, count: uniqueDepth + 1)
        TreeSHAP.extend(path, uniqueDepth, zeroFraction, oneFraction, feature)

        let split = Int(tree.feature[node])
        if split < 0 {
            let v = tree.value[node] * scale
            if uniqueDepth == 0 { return }
            for i in 1...uniqueDepth {
                let w = TreeSHAP.unwoundSum(path, uniqueDepth, i)
                let e = path[i]
                phi[e.feature] += w * (e.oneFraction - e.zeroFraction) * v
            }
            return
        }
        let l = Int(tree.left[node]), r = Int(tree.right[node])
        let goesLeft = x[x.startIndex + split] <= tree.threshold[node]
        let hot = goesLeft ? l : r, cold = goesLeft ? r : l
        let cover = tree.cover[node]
        var incomingZero = 1.0, incomingOne = 1.0
        var k = 0
        while k <= uniqueDepth, path[k].feature != split { k += 1 }
        if k <= uniqueDepth {
            incomingZero = path[k].zeroFraction
            incomingOne = path[k].oneFraction
            TreeSHAP.unwind(path, uniqueDepth, k)
            uniqueDepth -= 1
        }
        recurse(node: hot, uniqueDepth: uniqueDepth + 1, parentPath: path,
                zeroFraction: tree.cover[hot] / cover * incomingZero, oneFraction: incomingOne, feature: split)
        recurse(node: cold, uniqueDepth: uniqueDepth + 1, parentPath: path,
                zeroFraction: tree.cover[cold] / cover * incomingZero, oneFraction: 0, feature: split)
    }

    private static func extend(_ p: UnsafeMutablePointer<PathElement>, _ d: Int,
                               _ zero: Double, _ one: Double, _ feature: Int) {
        p[d] = PathElement(feature: feature, zeroFraction: zero, oneFraction: one, weight: d == 0 ? 1 : 0)
        let denominator = Double(d + 1)
        var i = d - 1
        while i >= 0 {
            p[i + 1].weight += one * p[i].weight * Double(i + 1) / denominator
            p[i].weight = zero * p[i].weight * Double(d - i) / denominator
            i -= 1
        }
    }

    private static func unwind(_ p: UnsafeMutablePointer<PathElement>, _ d: Int, _ index: Int) {
        let one = p[index].oneFraction, zero = p[index].zeroFraction
        var next = p[d].weight
        let total = Double(d + 1)
        var i = d - 1
        while i >= 0 {
            if one != 0 {
                let saved = p[i].weight
                p[i].weight = next * total / (Double(i + 1) * one)
                next = saved - p[i].weight * zero * Double(d - i) / total
            } else {
                p[i].weight = p[i].weight * total / (zero * Double(d - i))
            }
            i -= 1
        }
        for j in index..<d {
            p[j].feature = p[j + 1].feature
            p[j].zeroFraction = p[j + 1].zeroFraction
            p[j].oneFraction = p[j + 1].oneFraction
        }
    }

    /// Sum of the path weights after unwinding element `index`, without changing the path.
    private static func unwoundSum(_ p: UnsafeMutablePointer<PathElement>, _ d: Int, _ index: Int) -> Double {
        let one = p[index].oneFraction, zero = p[index].zeroFraction
        var next = p[d].weight
        var total = 0.0
        var i = d - 1
        if one != 0 {
            while i >= 0 {
                let t = next / (Double(i + 1) * one)
                total += t
                next = p[i].weight - t * zero * Double(d - i)
                i -= 1
            }
        } else {
            while i >= 0 {
                total += p[i].weight / (zero * Double(d - i))
                i -= 1
            }
        }
        return total * Double(d + 1)
    }
}
