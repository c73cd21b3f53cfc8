import COpenBLAS

/// Matrix products through OpenBLAS's CBLAS `sgemm`, on row-major float32 matrices addressed
/// by pointer and leading dimension, so one head's columns of a wider matrix can be used in place.
enum MatrixProduct {
    /// `c = alpha · a · bᵀ + beta · c`, where `a` is `m×k` and `b` is `n×k` (a linear layer's
    /// `[out, in]` weights, or the keys in attention).
    static func multiply(
        _ a: UnsafePointer<Float>,
        leading lda: Int,
        byTransposed b: UnsafePointer<Float>,
        leading ldb: Int,
        into c: UnsafeMutablePointer<Float>,
        leading ldc: Int,
        m: Int,
        n: Int,
        k: Int,
        alpha: Float = 1,
        beta: Float = 0
    ) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `c = a · b`, where `a` is `m×k` and `b` is `k×n` (attention weights times values).
    static func multiply(
        _ a: UnsafePointer<Float>,
        leading lda: Int,
        by b: UnsafePointer<Float>,
        leading ldb: Int,
        into c: UnsafeMutablePointer<Float>,
        leading ldc: Int,
        m: Int,
        n: Int,
        k: Int
    ) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
    }
}

/// How many threads OpenBLAS itself may start for one product. Process-wide: it is OpenBLAS's
/// global setting.
public enum BLASThreads {
    /// One: each product runs on the thread that calls it. The encoder's own pool
    /// (`EMBED_CONCURRENCY` threads) is the parallelism, so OpenBLAS's threads would only
    /// compete with it for the same cores.
    public static func runProductsOnCallingThread() {
        openblas_set_num_threads(1)
    }

    /// `count` threads per product (the benchmark's ceiling: one large product on every core).
    public static func set(_ count: Int) {
        openblas_set_num_threads(Int32(count))
    }

    public static var current: Int { Int(openblas_get_num_threads()) }
}
