extension Architecture {
    /// Shape inference, parameter and MAC counts for an input shape, checking that every layer
    /// can be built.
    ///
    /// The rules (docs/architecture-model.md) follow MetaQNN's original code and PyTorch's
    /// counts: convolutions use 'same' padding, so stride 1 keeps the spatial size and stride
    /// `l > 1` gives `ceil(r/l)`; stride-1 pools keep the size; strided pools give
    /// `floor((r − f)/l) + 1`; `FC` and `SM` flatten a spatial input to `C·H·W` features. The
    /// layers are checked input first and the first problem is reported.
    ///
    /// - Parameter input: The input shape `[C,H,W]`, e.g. `.cifar`.
    /// - Returns: Per-layer shapes, parameters and MACs.
    /// - Throws: `ArchitectureError.impossible` naming the first layer that cannot be built and
    ///   why (a pool larger than its input, a convolution or pool after a flattening layer, a
    ///   layer after the classifier, a non-positive hyperparameter, a count that overflows `Int`),
    ///   or `.noClassifier` when no `SM(n)` ends the network.
    public func analyze(input: TensorShape) throws(ArchitectureError) -> ArchitectureAnalysis {
        guard input.channels > 0, input.height > 0, input.width > 0 else {
            throw .impossible(layerIndex: 0, reason: "the input shape \(input) has a non-positive dimension")
        }
        var inference = ShapeInference(shape: input)
        var records: [LayerAnalysis] = []
        records.reserveCapacity(layers.count)
        var totalParameters = 0
        var totalMACs = 0
        for (index, layer) in layers.enumerated() {
            let record = try inference.apply(layer, at: index)
            let (parameters, overflow1) = totalParameters.addingReportingOverflow(record.parameters)
            let (macs, overflow2) = totalMACs.addingReportingOverflow(record.macs)
            guard !overflow1, !overflow2 else {
                throw .impossible(layerIndex: index, reason: "the network's total count overflows Int")
            }
            totalParameters = parameters
            totalMACs = macs
            records.append(record)
        }
        guard inference.classifierIndex != nil else { throw .noClassifier }
        return ArchitectureAnalysis(input: input, layers: records)
    }

    /// Checks that the network can be built for an input shape.
    ///
    /// - Parameter input: The input shape `[C,H,W]`; CIFAR-sized by default.
    /// - Throws: The same errors as `analyze(input:)`.
    public func validate(input: TensorShape = .cifar) throws(ArchitectureError) {
        _ = try analyze(input: input)
    }
}

/// The state of shape inference between two layers: the current shape and what the layers so far
/// rule out.
private struct ShapeInference {
    /// The shape the next layer receives.
    var shape: TensorShape
    /// The index and notation of the first layer that left the representation non-spatial
    /// (`FC`, `GAP`, `GAP(n)`); no convolution or pool may follow it.
    var flattenedBy: (index: Int, notation: String)?
    /// The index of the classifier `SM(n)`; nothing may follow it.
    var classifierIndex: Int?

    /// Infers one layer's output, parameters and MACs, and advances the state.
    mutating func apply(_ layer: Layer, at index: Int) throws(ArchitectureError) -> LayerAnalysis {
        if let classifierIndex {
            throw .impossible(
                layerIndex: index,
                reason: "\(layer.notation) follows the classifier at layer \(classifierIndex); "
                    + "the classifier SM(n) must be the last layer")
        }
        let input = shape
        var output = input
        var parameters = 0
        var macs = 0
        switch layer {
        case .convolution(let filters, let kernel, let stride):
            try requirePositive(filters, "filters", of: layer, at: index)
            try requirePositive(kernel, "kernel", of: layer, at: index)
            try requirePositive(stride, "stride", of: layer, at: index)
            try requireSpatial(layer, at: index)
            // 'same' padding: the output is ceil(r / l) (PyTorch: padding = (f − 1)/2 for odd f).
            output = TensorShape(
                channels: filters, height: ceilDivide(input.height, stride), width: ceilDivide(input.width, stride))
            let weightsPerFilter = try product([input.channels, kernel, kernel], at: index)
            parameters = try product([try plusOne(weightsPerFilter, at: index), filters], at: index)
            macs = try product([weightsPerFilter, filters, output.height, output.width], at: index)
        case .maxPool(let kernel, let stride), .avgPool(let kernel, let stride):
            try requirePositive(kernel, "kernel", of: layer, at: index)
            try requirePositive(stride, "stride", of: layer, at: index)
            try requireSpatial(layer, at: index)
            guard kernel <= input.height, kernel <= input.width else {
                throw .impossible(
                    layerIndex: index,
                    reason: "\(layer.notation): the pool (\(kernel)×\(kernel)) is larger than its "
                        + "\(input.height)×\(input.width) input")
            }
            if stride > 1 {
                output.height = (input.height - kernel) / stride + 1
                output.width = (input.width - kernel) / stride + 1
            }
        case .fullyConnected(let units):
            try requirePositive(units, "units", of: layer, at: index)
            let features = try product([input.channels, input.height, input.width], at: index)
            parameters = try product([try plusOne(features, at: index), units], at: index)
            macs = try product([features, units], at: index)
            output = TensorShape(channels: units, height: 1, width: 1)
            flattenedBy = flattenedBy ?? (index, layer.notation)
        case .globalAveragePool:
            try requireSpatial(layer, at: index)
            output = TensorShape(channels: input.channels, height: 1, width: 1)
            flattenedBy = (index, layer.notation)
        case .classifierHead(let classes):
            try requirePositive(classes, "classes", of: layer, at: index)
            try requireSpatial(layer, at: index)
            // MetaQNN's head: a 1×1 convolution to `classes` channels, ReLU, global average pool.
            parameters = try product([try plusOne(input.channels, at: index), classes], at: index)
            macs = try product([input.channels, classes, input.height, input.width], at: index)
            output = TensorShape(channels: classes, height: 1, width: 1)
            flattenedBy = (index, layer.notation)
        case .softmax(let classes):
            try requirePositive(classes, "classes", of: layer, at: index)
            let features = try product([input.channels, input.height, input.width], at: index)
            parameters = try product([try plusOne(features, at: index), classes], at: index)
            macs = try product([features, classes], at: index)
            output = TensorShape(channels: classes, height: 1, width: 1)
            classifierIndex = index
        case .batchNorm:
            parameters = try product([2, input.channels], at: index)
        case .relu, .sigmoid, .tanh:
            break
        case .dropout(let dropoutIndex, let count):
            try requirePositive(count, "count", of: layer, at: index)
            guard (1...count).contains(dropoutIndex) else {
                throw .impossible(
                    layerIndex: index,
                    reason: "\(layer.notation): the dropout index must lie in 1...\(count), the count")
            }
        }
        shape = output
        return LayerAnalysis(
            index: index, layer: layer, input: input, output: output, parameters: parameters, macs: macs)
    }

    /// Rejects a convolution, pool or global pool once the representation has been flattened.
    private func requireSpatial(_ layer: Layer, at index: Int) throws(ArchitectureError) {
        guard let flattenedBy else { return }
        throw .impossible(
            layerIndex: index,
            reason: "\(layer.notation) needs a spatial input, but \(flattenedBy.notation) at layer "
                + "\(flattenedBy.index) already flattened the representation")
    }

    private func requirePositive(_ value: Int, _ name: String, of layer: Layer, at index: Int)
        throws(ArchitectureError)
    {
        guard value > 0 else {
            throw .impossible(
                layerIndex: index, reason: "\(layer.notation): the \(name) must be positive, not \(value)")
        }
    }

    /// The product of non-negative factors, or an error naming the layer when it overflows `Int`.
    private func product(_ factors: [Int], at index: Int) throws(ArchitectureError) -> Int {
        var result = 1
        for factor in factors {
            let (next, overflow) = result.multipliedReportingOverflow(by: factor)
            guard !overflow else {
                throw .impossible(layerIndex: index, reason: "the layer's parameter or MAC count overflows Int")
            }
            result = next
        }
        return result
    }

    /// `value + 1` (the bias), or an error naming the layer when it overflows `Int`.
    private func plusOne(_ value: Int, at index: Int) throws(ArchitectureError) -> Int {
        guard value < Int.max else {
            throw .impossible(layerIndex: index, reason: "the layer's parameter count overflows Int")
        }
        return value + 1
    }

    /// `ceil(value / divisor)` for a non-negative value and a positive divisor.
    private func ceilDivide(_ value: Int, _ divisor: Int) -> Int {
        value / divisor + (value % divisor == 0 ? 0 : 1)
    }
}
