import ServiceKit

/// The `nlu` schema: every trained version of every intent model; the newest version of a
/// name is the one served.
enum NLUSchema {
    static let migrations = [
        Migration(
            version: 1,
            name: "intent model versions",
            statements: [
                """
                CREATE TABLE nlu.model_versions (
                    name text NOT NULL,
                    version integer NOT NULL CHECK (version > 0),
                    training_data jsonb NOT NULL,
                    classifier jsonb NOT NULL,
                    embedder text NOT NULL,
                    intents text[] NOT NULL,
                    accuracy double precision NOT NULL,
                    macro_f1 double precision NOT NULL,
                    training_seconds double precision NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (name, version)
                )
                """
            ]
        )
    ]
}
