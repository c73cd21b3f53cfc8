import ServiceKit
import SpeechRecognition

/// The options of a transcription as form fields or query parameters: declared once, so the
/// document shows the rules each value is read by, and every bad value is named.
enum TranscriptionFields {
    static let language = QueryParameter<String>(
        "language",
        schema: .pattern("^[A-Za-z]{2,3}$"),
        message: "must be an ISO 639-1 code such as \"en\""
    ) { text in
        (2...3).contains(text.count) && text.allSatisfy({ $0.isASCII && $0.isLetter }) ? text.lowercased() : nil
    }
    .describing("ISO 639-1 code of the speech; detected when absent (an English-only model always hears English).")

    static let prompt = QueryParameter<String>.string("prompt", length: 1...1000).describing("Names and spellings to expect.")

    static let temperature = QueryParameter<Double>.number("temperature", in: 0...1)
        .describing("The first decoding temperature; 0 (greedy) when absent.")

    static let words = QueryParameter<Bool>("words", schema: .boolean, message: "must be true or false") { text in
        switch text.lowercased() {
        case "true", "1": true
        case "false", "0": false
        default: nil
        }
    }
    .describing("Word timestamps too (a little slower).")

    /// The options as query parameters of a raw upload.
    static let queryParameters: [any QueryParameterDeclaring] = [language, prompt, temperature, words]

    /// The same as form fields of a multipart upload.
    static let formFields: [String: JSONSchema] = Dictionary(uniqueKeysWithValues: queryParameters.map { ($0.name, $0.schema) })
}

extension TranscriptionOptions {
    /// Reads the options an upload gives; an empty value is the same as none.
    init(upload: AudioUpload) throws(ValidationError) {
        var problems: [FieldError] = []
        func read<Value>(_ parameter: QueryParameter<Value>) -> Value? {
            guard let text = upload.field(parameter.name), !text.isEmpty else { return nil }
            guard let value = parameter.value(of: text) else {
                problems.append(FieldError(field: parameter.name, message: parameter.message))
                return nil
            }
            return value
        }
        var options = TranscriptionOptions()
        options.language = read(TranscriptionFields.language)
        options.prompt = read(TranscriptionFields.prompt)
        options.temperature = read(TranscriptionFields.temperature) ?? 0
        options.wordTimestamps = read(TranscriptionFields.words) ?? false
        guard problems.isEmpty else { throw ValidationError(fields: problems, detail: "The transcription options are not valid.") }
        self = options
    }
}
