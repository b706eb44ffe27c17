namespace Lockstep.Evm.Precompiles.Curves;

/// <summary>
/// The field operations the generic curve code needs. Implemented by value types so the JIT specialises
/// <see cref="JacobianPoint{T}"/> per field without interface dispatch.
/// </summary>
internal interface IField<T> where T : struct, IField<T>
{
    static abstract T Zero { get; }
    static abstract T One { get; }
    bool IsZero { get; }
    static abstract T Add(in T a, in T b);
    static abstract T Sub(in T a, in T b);
    static abstract T Double(in T a);
    static abstract T Neg(in T a);
    static abstract T Mul(in T a, in T b);
    static abstract T Square(in T a);
    /// <summary>The multiplicative inverse; the inverse of zero is zero.</summary>
    static abstract T Inverse(in T a);
    static abstract bool Equal(in T a, in T b);
}
