import Foundation

/// A single-layer LSTM over a batch of variable-length sequences, returning each sequence's last
/// valid hidden state (what Peephole takes as a network's structural feature).
///
/// The equations, gate order (input, forget, cell, output), parameter layout and initialisation
/// (`U(-1/√hidden, 1/√hidden)`) are PyTorch's `nn.LSTM`, so weights move between the two unchanged:
/// `i, f, g, o = σ, σ, tanh, σ (x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)`, `c' = f⊙c + i⊙g`, `h' = o⊙tanh(c')`.
/// The input is padded to `[batch, maxLength, inputSize]`; positions at or beyond a sequence's length
/// are ignored (they get a zero gradient), which is what `pack_padded_sequence` does. Internally the
/// valid positions are packed (the input projection skips padding) and the batch is sorted by
/// decreasing length so that each step multiplies only the still-running prefix.
public final class LSTM: ParameterContainer {
    /// Input-to-hidden weights, `[4·hiddenSize, inputSize]`.
    public let weightInputHidden: Parameter
    /// Hidden-to-hidden weights, `[4·hiddenSize, hiddenSize]`.
    public let weightHiddenHidden: Parameter
    /// Input-to-hidden bias, `[4·hiddenSize]`.
    public let biasInputHidden: Parameter
    /// Hidden-to-hidden bias, `[4·hiddenSize]`.
    public let biasHiddenHidden: Parameter

    /// The length of each input vector.
    public let inputSize: Int
    /// The length of the hidden and cell states.
    public let hiddenSize: Int

    private struct Cache {
        var inputShape: [Int]
        /// The valid input rows only, sequence after sequence: `[Σ lengths, inputSize]`.
        var packedInput: [Float]
        /// Where each sequence's rows start in `packedInput`.
        var rowOffsets: [Int]
        var order: [Int]
        var activeCounts: [Int]
        /// Per step `t`: gate activations `[active_t, 4H]` (i, f, g, o after their nonlinearities).
        var gates: [[Float]]
        /// Per step: the hidden and cell states entering the step, `[active_t, H]`.
        var previousHidden: [[Float]]
        var previousCell: [[Float]]
        /// Per step: `tanh(c_t)`, `[active_t, H]`.
        var cellTanh: [[Float]]
        var parallelism: Parallelism
    }
    private var cache: Cache?

    /// Creates an LSTM with PyTorch's default initialisation.
    public init(inputSize: Int, hiddenSize: Int, using generator: inout some RandomNumberGenerator) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        let bound = WeightInitialization.defaultBound(fanIn: hiddenSize)
        weightInputHidden = Parameter(
            WeightInitialization.uniform(shape: [4 * hiddenSize, inputSize], bound: bound, using: &generator))
        weightHiddenHidden = Parameter(
            WeightInitialization.uniform(shape: [4 * hiddenSize, hiddenSize], bound: bound, using: &generator))
        biasInputHidden = Parameter(
            WeightInitialization.uniform(shape: [4 * hiddenSize], bound: bound, using: &generator))
        biasHiddenHidden = Parameter(
            WeightInitialization.uniform(shape: [4 * hiddenSize], bound: bound, using: &generator))
    }

    /// PyTorch's names (`weight_ih_l0`, …), so a `state_dict` maps one to one.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        [
            (name: "weight_ih_l0", parameter: weightInputHidden), (name: "weight_hh_l0", parameter: weightHiddenHidden),
            (name: "bias_ih_l0", parameter: biasInputHidden), (name: "bias_hh_l0", parameter: biasHiddenHidden),
        ]
    }

    /// Runs the sequences and returns each one's hidden state after its last valid step, `[batch, hiddenSize]`.
    ///
    /// - Parameters:
    ///   - input: `[batch, maxLength, inputSize]`, batch-first and zero- (or anything-) padded.
    ///   - lengths: each sequence's length, in `1...maxLength`.
    ///   - context: the threads the products may use.
    /// - Throws: `NeuralNetworkError.shapeMismatch` or `.invalidSequenceLength`.
    public func forward(_ input: Tensor, lengths: [Int], context: ComputeContext) throws -> Tensor {
        guard input.rank == 3, input.shape[2] == inputSize, input.shape[0] == lengths.count else {
            throw NeuralNetworkError.shapeMismatch(
                operation: "LSTM.forward", expected: [lengths.count, -1, inputSize], actual: input.shape)
        }
        let (batch, steps, hidden) = (input.shape[0], input.shape[1], hiddenSize)
        for (index, length) in lengths.enumerated() where length < 1 || length > steps {
            throw NeuralNetworkError.invalidSequenceLength(index: index, length: length, maximumLength: steps)
        }
        let order = lengths.indices.sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
        let activeCounts = (0..<steps).map { step in lengths.lazy.filter { $0 > step }.count }
        let gateWidth = 4 * hidden

        // The input projections of every valid position at once, padding skipped: [Σ lengths, 4H].
        var rowOffsets = [Int](repeating: 0, count: batch)
        var validRows = 0
        for (sequence, length) in lengths.enumerated() {
            rowOffsets[sequence] = validRows
            validRows += length
        }
        var packedInput = [Float](repeating: 0, count: validRows * inputSize)
        for (sequence, length) in lengths.enumerated() {
            let source = sequence * steps * inputSize
            let destination = rowOffsets[sequence] * inputSize
            for index in 0..<(length * inputSize) {
                packedInput[destination + index] = input.scalars[source + index]
            }
        }
        var projected = [Float](repeating: 0, count: validRows * gateWidth)
        MatrixMultiply.multiply(
            m: validRows, n: gateWidth, k: inputSize, packedInput, weightInputHidden.value.scalars,
            transposeB: true, into: &projected, parallelism: context.parallelism)
        var bias = biasInputHidden.value.scalars
        for j in bias.indices {
            bias[j] += biasHiddenHidden.value.scalars[j]
        }

        var hiddenState = [Float](repeating: 0, count: batch * hidden)
        var cellState = [Float](repeating: 0, count: batch * hidden)
        var gatesHistory: [[Float]] = []
        var hiddenHistory: [[Float]] = []
        var cellHistory: [[Float]] = []
        var tanhHistory: [[Float]] = []
        for step in 0..<steps {
            let active = activeCounts[step]
            var gates = [Float](repeating: 0, count: active * gateWidth)
            for row in 0..<active {
                let source = (rowOffsets[order[row]] + step) * gateWidth
                for j in 0..<gateWidth {
                    gates[row * gateWidth + j] = projected[source + j] + bias[j]
                }
            }
            let previousHidden = Array(hiddenState[0..<(active * hidden)])
            let previousCell = Array(cellState[0..<(active * hidden)])
            MatrixMultiply.multiply(
                m: active, n: gateWidth, k: hidden, previousHidden, weightHiddenHidden.value.scalars, transposeB: true,
                into: &gates, accumulate: true, parallelism: context.parallelism)
            var cellTanh = [Float](repeating: 0, count: active * hidden)
            for row in 0..<active {
                let base = row * gateWidth
                for j in 0..<hidden {
                    let inputGate = sigmoid(gates[base + j])
                    let forgetGate = sigmoid(gates[base + hidden + j])
                    let candidate = tanhf(gates[base + 2 * hidden + j])
                    let outputGate = sigmoid(gates[base + 3 * hidden + j])
                    gates[base + j] = inputGate
                    gates[base + hidden + j] = forgetGate
                    gates[base + 2 * hidden + j] = candidate
                    gates[base + 3 * hidden + j] = outputGate
                    let cell = forgetGate * previousCell[row * hidden + j] + inputGate * candidate
                    let squashed = tanhf(cell)
                    cellState[row * hidden + j] = cell
                    cellTanh[row * hidden + j] = squashed
                    hiddenState[row * hidden + j] = outputGate * squashed
                }
            }
            gatesHistory.append(gates)
            hiddenHistory.append(previousHidden)
            cellHistory.append(previousCell)
            tanhHistory.append(cellTanh)
        }

        var output = Tensor(shape: [batch, hidden])
        for (row, sequence) in order.enumerated() {
            for j in 0..<hidden {
                output.scalars[sequence * hidden + j] = hiddenState[row * hidden + j]
            }
        }
        cache = Cache(
            inputShape: input.shape, packedInput: packedInput, rowOffsets: rowOffsets, order: order,
            activeCounts: activeCounts, gates: gatesHistory,
            previousHidden: hiddenHistory, previousCell: cellHistory, cellTanh: tanhHistory,
            parallelism: context.parallelism)
        return output
    }

    /// Back-propagates the gradient of the last hidden states (`[batch, hiddenSize]`) through time.
    ///
    /// - Returns: the gradient with respect to the padded input, zero at padded positions.
    /// - Throws: `NeuralNetworkError.backwardWithoutForward` or `.shapeMismatch`.
    public func backward(_ lastHiddenGradient: Tensor) throws -> Tensor {
        guard let cache else { throw NeuralNetworkError.backwardWithoutForward(layer: "LSTM") }
        let (batch, steps, hidden) = (cache.inputShape[0], cache.inputShape[1], hiddenSize)
        guard lastHiddenGradient.shape == [batch, hidden] else {
            throw NeuralNetworkError.shapeMismatch(
                operation: "LSTM.backward", expected: [batch, hidden], actual: lastHiddenGradient.shape)
        }
        let gateWidth = 4 * hidden
        // Sorted order; a sequence's entry holds the output gradient until its own last step.
        var hiddenGradient = [Float](repeating: 0, count: batch * hidden)
        for (row, sequence) in cache.order.enumerated() {
            for j in 0..<hidden {
                hiddenGradient[row * hidden + j] = lastHiddenGradient.scalars[sequence * hidden + j]
            }
        }
        var cellGradient = [Float](repeating: 0, count: batch * hidden)
        let validRows = cache.packedInput.count / max(inputSize, 1)
        var projectedGradient = [Float](repeating: 0, count: validRows * gateWidth)
        for step in stride(from: steps - 1, through: 0, by: -1) {
            let active = cache.activeCounts[step]
            let gates = cache.gates[step]
            let previousCell = cache.previousCell[step]
            let cellTanh = cache.cellTanh[step]
            var gateGradient = [Float](repeating: 0, count: active * gateWidth)
            for row in 0..<active {
                let base = row * gateWidth
                for j in 0..<hidden {
                    let state = row * hidden + j
                    let inputGate = gates[base + j]
                    let forgetGate = gates[base + hidden + j]
                    let candidate = gates[base + 2 * hidden + j]
                    let outputGate = gates[base + 3 * hidden + j]
                    let dHidden = hiddenGradient[state]
                    let dCell = cellGradient[state] + dHidden * outputGate * (1 - cellTanh[state] * cellTanh[state])
                    gateGradient[base + j] = dCell * candidate * inputGate * (1 - inputGate)
                    gateGradient[base + hidden + j] = dCell * previousCell[state] * forgetGate * (1 - forgetGate)
                    gateGradient[base + 2 * hidden + j] = dCell * inputGate * (1 - candidate * candidate)
                    gateGradient[base + 3 * hidden + j] = dHidden * cellTanh[state] * outputGate * (1 - outputGate)
                    cellGradient[state] = dCell * forgetGate
                }
                let destination = (cache.rowOffsets[cache.order[row]] + step) * gateWidth
                for j in 0..<gateWidth {
                    projectedGradient[destination + j] = gateGradient[base + j]
                }
            }
            MatrixMultiply.multiply(
                m: gateWidth, n: hidden, k: active, gateGradient, transposeA: true, cache.previousHidden[step],
                into: &weightHiddenHidden.gradient.scalars, accumulate: true, parallelism: cache.parallelism)
            var previousHiddenGradient = [Float](repeating: 0, count: active * hidden)
            MatrixMultiply.multiply(
                m: active, n: hidden, k: gateWidth, gateGradient, weightHiddenHidden.value.scalars,
                into: &previousHiddenGradient, parallelism: cache.parallelism)
            for index in 0..<(active * hidden) {
                hiddenGradient[index] = previousHiddenGradient[index]
            }
        }
        MatrixMultiply.multiply(
            m: gateWidth, n: inputSize, k: validRows, projectedGradient, transposeA: true, cache.packedInput,
            into: &weightInputHidden.gradient.scalars, accumulate: true, parallelism: cache.parallelism)
        var biasGradient = [Float](repeating: 0, count: gateWidth)
        sumRows(projectedGradient, rows: validRows, width: gateWidth, into: &biasGradient)
        for j in 0..<gateWidth {
            biasInputHidden.gradient.scalars[j] += biasGradient[j]
            biasHiddenHidden.gradient.scalars[j] += biasGradient[j]
        }
        var packedGradient = [Float](repeating: 0, count: cache.packedInput.count)
        MatrixMultiply.multiply(
            m: validRows, n: inputSize, k: gateWidth, projectedGradient, weightInputHidden.value.scalars,
            into: &packedGradient, parallelism: cache.parallelism)
        var inputGradient = Tensor(shape: cache.inputShape)
        for sequence in 0..<batch {
            let rows = (sequence + 1 < batch ? cache.rowOffsets[sequence + 1] : validRows) - cache.rowOffsets[sequence]
            let source = cache.rowOffsets[sequence] * inputSize
            let destination = sequence * steps * inputSize
            for index in 0..<(rows * inputSize) {
                inputGradient.scalars[destination + index] = packedGradient[source + index]
            }
        }
        return inputGradient
    }
}

@inline(__always)
func sigmoid(_ x: Float) -> Float {
    1 / (1 + expf(-x))
}
