/// The NAS-Bench-201 network skeleton around a cell (Dong & Yang 2020, §2.1; the benchmark's
/// `TinyNetwork`): a 3×3 convolution stem with 16 channels, three stages of 5 cells at 16, 32 and
/// 64 channels joined by two residual reduction blocks, batch normalisation and ReLU, global
/// average pooling and a linear classifier. Used to count a cell's network size exactly as the
/// benchmark reports it.
///
/// Counted (as NAS-Bench-201's tables count them; for CIFAR-10 its parameter range is 0.073306 to
/// 1.531546 million and its FLOPs range 7.78305 to 220.11969 million, which `parameters(of:)` and
/// `flops(of:)` reproduce): convolutions without bias, batch normalisation with β and γ, the
/// classifier with bias. A cell's `nor_conv` edges are ReLU, convolution and batch normalisation;
/// `none`, `skip_connect` and `avg_pool_3x3` edges have no parameters. A reduction block is a
/// stride-2 3×3 ReLU-conv-BN, a 3×3 ReLU-conv-BN and a shortcut of 2×2 average pooling and a 1×1
/// convolution.
public struct NASBench201Network: Hashable, Sendable {
    /// Input channels (3).
    public var inputChannels: Int = 3
    /// The input's height and width (32 for CIFAR; 16 for ImageNet16-120).
    public var inputSide: Int = 32
    /// Channels of the stem and the first stage (16; doubled at each reduction).
    public var stemChannels: Int = 16
    /// Stages (3).
    public var stageCount: Int = 3
    /// Cells per stage (5).
    public var cellsPerStage: Int = 5
    /// Classes of the classifier (10 for CIFAR-10, 100 for CIFAR-100, 120 for ImageNet16-120).
    public var classes: Int = 10

    /// The CIFAR-10 configuration.
    public init() {}

    /// The configuration for `classes` classes and `inputSide`×`inputSide` images.
    public init(classes: Int, inputSide: Int = 32) {
        self.classes = classes
        self.inputSide = inputSide
    }

    /// The trainable parameters of the network built from `cell`.
    public func parameters(of cell: NASBench201Cell) -> Int {
        size(of: cell).parameters
    }

    /// The network's FLOPs as NAS-Bench-201 counts them (`size(of:)`).
    public func flops(of cell: NASBench201Cell) -> Int {
        size(of: cell).flops
    }

    /// The network's trainable parameters and its FLOPs as NAS-Bench-201 counts them: the
    /// multiply-accumulates of every convolution, plus the classifier's weights and biases;
    /// pooling, batch normalisation, ReLU and the cell's sums count nothing.
    public func size(of cell: NASBench201Cell) -> (parameters: Int, flops: Int) {
        func convolution(_ input: Int, _ output: Int, kernel: Int, outputSide: Int) -> (Int, Int) {
            let weights = input * output * kernel * kernel
            return (weights, weights * outputSide * outputSide)
        }
        var parameters = 0
        var flops = 0
        func add(_ size: (Int, Int), batchNorm channels: Int = 0) {
            parameters += size.0 + 2 * channels
            flops += size.1
        }
        var side = inputSide
        var channels = stemChannels
        add(convolution(inputChannels, channels, kernel: 3, outputSide: side), batchNorm: channels)
        for stage in 0..<stageCount {
            if stage > 0 {
                let output = channels * 2
                let reduced = max(1, side / 2)
                add(convolution(channels, output, kernel: 3, outputSide: reduced), batchNorm: output)
                add(convolution(output, output, kernel: 3, outputSide: reduced), batchNorm: output)
                add(convolution(channels, output, kernel: 1, outputSide: reduced))
                channels = output
                side = reduced
            }
            for operation in cell.operations {
                let kernel: Int
                switch operation {
                case .convolution3x3: kernel = 3
                case .convolution1x1: kernel = 1
                case .none, .skipConnect, .averagePool3x3: continue
                }
                let edge = convolution(channels, channels, kernel: kernel, outputSide: side)
                for _ in 0..<cellsPerStage { add(edge, batchNorm: channels) }
            }
        }
        add((0, 0), batchNorm: channels)
        let classifier = channels * classes + classes
        return (parameters + classifier, flops + classifier)
    }
}
