/// The parameters of a BERT encoder, read from a safetensors file with the Hugging Face names
/// (`embeddings.*`, `encoder.layer.N.*`). Linear weights are `[out, in]` row-major, as stored.
public struct BERTWeights: Sendable {
    /// One transformer layer. Query, key and value are fused into one `[3·hidden, hidden]`
    /// matrix so a single matrix product projects all three.
    public struct Layer: Sendable {
        let queryKeyValue: WeightMatrix
        let queryKeyValueBias: [Float]
        let attentionOutput: WeightMatrix
        let attentionOutputBias: [Float]
        let attentionNorm: LayerNormParameters
        let intermediate: WeightMatrix
        let intermediateBias: [Float]
        let output: WeightMatrix
        let outputBias: [Float]
        let outputNorm: LayerNormParameters
    }

    public let configuration: BERTConfiguration
    let wordEmbeddings: WeightMatrix
    let positionEmbeddings: WeightMatrix
    let tokenTypeEmbeddings: WeightMatrix
    let embeddingNorm: LayerNormParameters
    let layers: [Layer]

    public init(file: SafetensorsFile, configuration c: BERTConfiguration) throws(ModelFileError) {
        configuration = c
        let hidden = c.hiddenSize
        func matrix(_ name: String, _ rows: Int, _ columns: Int) throws(ModelFileError) -> WeightMatrix {
            WeightMatrix(rows: rows, columns: columns, values: try file.floats(name, shape: [rows, columns]))
        }
        func vector(_ name: String, _ count: Int) throws(ModelFileError) -> [Float] {
            Array(try file.floats(name, shape: [count]))
        }
        func norm(_ prefix: String) throws(ModelFileError) -> LayerNormParameters {
            LayerNormParameters(
                weight: try vector(prefix + ".weight", hidden),
                bias: try vector(prefix + ".bias", hidden),
                epsilon: c.layerNormEpsilon
            )
        }
        wordEmbeddings = try matrix("embeddings.word_embeddings.weight", c.vocabularySize, hidden)
        positionEmbeddings = try matrix("embeddings.position_embeddings.weight", c.maxPositions, hidden)
        tokenTypeEmbeddings = try matrix("embeddings.token_type_embeddings.weight", 2, hidden)
        embeddingNorm = try norm("embeddings.LayerNorm")
        var layers: [Layer] = []
        for index in 0..<c.layerCount {
            let p = "encoder.layer.\(index)."
            let parts = ["query", "key", "value"]
            var fused: [Float] = []
            var fusedBias: [Float] = []
            for part in parts {
                fused += try file.floats(p + "attention.self.\(part).weight", shape: [hidden, hidden])
                fusedBias += try vector(p + "attention.self.\(part).bias", hidden)
            }
            layers.append(
                Layer(
                    queryKeyValue: WeightMatrix(rows: 3 * hidden, columns: hidden, owning: fused),
                    queryKeyValueBias: fusedBias,
                    attentionOutput: try matrix(p + "attention.output.dense.weight", hidden, hidden),
                    attentionOutputBias: try vector(p + "attention.output.dense.bias", hidden),
                    attentionNorm: try norm(p + "attention.output.LayerNorm"),
                    intermediate: try matrix(p + "intermediate.dense.weight", c.intermediateSize, hidden),
                    intermediateBias: try vector(p + "intermediate.dense.bias", c.intermediateSize),
                    output: try matrix(p + "output.dense.weight", hidden, c.intermediateSize),
                    outputBias: try vector(p + "output.dense.bias", hidden),
                    outputNorm: try norm(p + "output.LayerNorm")
                )
            )
        }
        self.layers = layers
    }
}
