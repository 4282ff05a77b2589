import Foundation
import NASCore

/// What SRM knows about a configuration before its curve: Baker et al.'s `u_x`, the architecture
/// features (AP: total weights, number of layers) and the training hyperparameters (HP)
/// (ALGORITHMS.md §2).
public struct ConfigurationFeatures: Hashable, Sendable, Codable {
    /// The trainable parameter count of the network (≥ 0).
    public var parameterCount: Int
    /// The number of layers: the layer list's length for a sequential network (activations,
    /// pools and dropout included, as MetaQNN lists them); the vertex count of the pruned cell
    /// for a NAS-Bench-101 cell, the depth NASCore's cell model offers.
    public var layerCount: Int
    /// The planned number of epochs (a training hyperparameter that moves the final value).
    public var epochBudget: Int
    /// Every other training hyperparameter, by name (initial learning rate, decay, …).
    public var hyperparameters: [String: Double]

    /// Creates the features from their values.
    public init(parameterCount: Int, layerCount: Int, epochBudget: Int, hyperparameters: [String: Double]) {
        self.parameterCount = parameterCount
        self.layerCount = layerCount
        self.epochBudget = epochBudget
        self.hyperparameters = hyperparameters
    }

    /// The features of a network trained with `hyperparameters` for `budget` epochs.
    ///
    /// - Parameters:
    ///   - parameterCount: a recorded parameter count to use as given; computed by NASCore's
    ///     architecture analysis (sequential), `NASBench101Network` (cell) or `NASBench201Network`
    ///     (NAS-Bench-201 cell, CIFAR-10's classifier) when `nil`.
    /// - Throws: `ConfigurationFeaturesError` when the network cannot be analysed.
    public init(
        network: Network, input: TensorShape, hyperparameters: [String: Double], budget: Int,
        parameterCount: Int? = nil
    ) throws(ConfigurationFeaturesError) {
        switch network {
        case .sequential(let architecture):
            let counted: Int
            if let parameterCount {
                counted = parameterCount
            } else {
                do {
                    counted = try architecture.analyze(input: input).parameters
                } catch {
                    throw .architecture(error)
                }
            }
            self.init(
                parameterCount: counted, layerCount: architecture.layers.count, epochBudget: budget,
                hyperparameters: hyperparameters)
        case .cell(let cell):
            let pruned: Cell
            var counted = parameterCount ?? 0
            do {
                pruned = try cell.pruned()
                if parameterCount == nil { counted = try NASBench101Network().parameters(of: cell) }
            } catch {
                throw .cell(error)
            }
            self.init(
                parameterCount: counted, layerCount: pruned.vertexCount, epochBudget: budget,
                hyperparameters: hyperparameters)
        case .nb201(let cell):
            // "Layers" are the edges that carry a learned operation.
            let learned = cell.operations.filter { $0 == .convolution1x1 || $0 == .convolution3x3 }.count
            self.init(
                parameterCount: parameterCount ?? NASBench201Network().parameters(of: cell), layerCount: learned,
                epochBudget: budget, hyperparameters: hyperparameters)
        }
    }

    /// The features of a curves-file row (its `params` field is used as given when present).
    ///
    /// - Throws: `ConfigurationFeaturesError` when the row's network cannot be analysed.
    public init(record: CurveRecord) throws(ConfigurationFeaturesError) {
        let network: Network
        switch record.network {
        case .notation(let architecture), .layers(let architecture):
            network = .sequential(architecture)
        case .cell(let recorded):
            do {
                network = .cell(try recorded.cell())
            } catch {
                throw .recordedCell(error)
            }
        case .nb201(let cell):
            network = .nb201(cell)
        }
        try self.init(
            network: network, input: record.input, hyperparameters: record.hyperparameters, budget: record.budget,
            parameterCount: record.parameters)
    }

    /// `log10` of the parameter count (at least 1 parameter is assumed, so it is ≥ 0).
    public var log10ParameterCount: Double {
        log10(Double(max(1, parameterCount)))
    }
}

/// Why a network's configuration features could not be computed.
public enum ConfigurationFeaturesError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The sequential network cannot be built for its input.
    case architecture(ArchitectureError)
    /// The cell is not valid.
    case cell(CellError)
    /// The recorded cell does not describe a cell of the cell space.
    case recordedCell(RecordedCell.ConversionError)

    public var description: String {
        switch self {
        case .architecture(let error): return "the network cannot be analysed: \(error)"
        case .cell(let error): return "the cell cannot be analysed: \(error)"
        case .recordedCell(let error): return "the recorded cell is not a valid cell: \(error)"
        }
    }
}
