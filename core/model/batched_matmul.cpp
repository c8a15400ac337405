#include "core/model/batched_matmul.h"

extern "C" void sgemm_(const char* transa, const char* transb, const int* m, const int* n,
                       const int* k, const float* alpha, const float* a, const int* lda,
                       const float* b, const int* ldb, const float* beta, float* c, const int* ldc);

namespace hat {

namespace {

// How a row-major (rows × cols) matrix with these strides looks to column-major BLAS as its
// transpose: 'n' with ld = row stride when rows are contiguous, 't' with ld = column stride
// when columns are. Anything else needs a copy first.
bool blasView(int64_t rows, int64_t cols, int64_t rowStride, int64_t colStride, char& trans, int& ld) {
    if (colStride == 1 && (rows == 1 || rowStride >= std::max<int64_t>(1, cols))) {
        trans = 'n';
        ld = static_cast<int>(std::max<int64_t>(1, rows == 1 ? cols : rowStride));
        return true;
    }
    if (rowStride == 1 && (cols == 1 || colStride >= std::max<int64_t>(1, rows))) {
        trans = 't';
        ld = static_cast<int>(std::max<int64_t>(1, cols == 1 ? rows : colStride));
        return true;
    }
    return false;
}

// The products themselves, without autograd.
torch::Tensor blasBmm(const torch::Tensor& a0, const torch::Tensor& b0) {
    TORCH_CHECK(a0.size(0) == b0.size(0) && a0.size(2) == b0.size(1), "batchedMatmul: shapes ",
                a0.sizes(), " and ", b0.sizes(), " do not multiply");
    const int64_t batch = a0.size(0), m = a0.size(1), k = a0.size(2), p = b0.size(2);
    // LibTorch's own kernel for tiny products (no per-matrix dispatch there): keeps its numbers.
    if (m * k * p < 400) return torch::bmm(a0, b0);
    auto out = torch::empty({batch, m, p}, a0.options());
    if (batch == 0 || m == 0 || p == 0) return out;
    if (k == 0) return out.zero_();
    char ta = 0, tb = 0;
    int lda = 0, ldb = 0;
    torch::Tensor a = a0, b = b0;
    if (!blasView(m, k, a.stride(1), a.stride(2), ta, lda)) {
        a = a.contiguous();
        blasView(m, k, a.stride(1), a.stride(2), ta, lda);
    }
    if (!blasView(k, p, b.stride(1), b.stride(2), tb, ldb)) {
        b = b.contiguous();
        blasView(k, p, b.stride(1), b.stride(2), tb, ldb);
    }
    // Row-major C = A·B is column-major Cᵀ = Bᵀ·Aᵀ: BLAS gets (p × m) = (p × k)(k × m).
    const int M = static_cast<int>(p), N = static_cast<int>(m), K = static_cast<int>(k);
    const int ldc = static_cast<int>(p);
    const float alpha = 1.0f, beta = 0.0f;
    const float* pa = a.data_ptr<float>();
    const float* pb = b.data_ptr<float>();
    float* pc = out.data_ptr<float>();
    for (int64_t i = 0; i < batch; ++i) {
        sgemm_(&tb, &ta, &M, &N, &K, &alpha, pb + i * b.stride(0), &ldb, pa + i * a.stride(0), &lda,
               &beta, pc + i * m * p, &ldc);
    }
    return out;
}

// Training goes through the same products: d(AB)/dA = G·Bᵀ, d(AB)/dB = Aᵀ·G.
struct BatchedMatmulFunction : public torch::autograd::Function<BatchedMatmulFunction> {
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& a,
                                 const torch::Tensor& b) {
        ctx->save_for_backward({a, b});
        return blasBmm(a, b);
    }
    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list grads) {
        const auto saved = ctx->get_saved_variables();
        const auto& g = grads[0];
        return {blasBmm(g, saved[1].transpose(1, 2)), blasBmm(saved[0].transpose(1, 2), g)};
    }
};

}  // namespace

torch::Tensor batchedMatmul(const torch::Tensor& a, const torch::Tensor& b) {
    if (a.scalar_type() != torch::kFloat || b.scalar_type() != torch::kFloat || !a.device().is_cpu() ||
        !b.device().is_cpu() || a.dim() != 3 || b.dim() != 3) {
        return torch::bmm(a, b);
    }
    if (torch::GradMode::is_enabled() && (a.requires_grad() || b.requires_grad())) {
        return BatchedMatmulFunction::apply(a, b);
    }
    return blasBmm(a, b);
}

}  // namespace hat
