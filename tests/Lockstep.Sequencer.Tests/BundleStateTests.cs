using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Sequencer.Tests;

/// <summary>WorldState bundles: several committed transactions undone together.</summary>
public class BundleStateTests
{
    private static readonly Address A = Address.FromHex("0x00000000000000000000000000000000000000a1");
    private static readonly Address B = Address.FromHex("0x00000000000000000000000000000000000000b2");
    private static readonly Address Empty = Address.FromHex("0x00000000000000000000000000000000000000e3");

    private static WorldState Base()
    {
        var s = new WorldState();
        s.SetAccount(A, 5, new UInt256(1000), [0x60, 0x00], [new(UInt256.One, new UInt256(7))]);
        s.SetAccount(B, 0, new UInt256(10), [], []);
        s.CommitTransaction();
        s.ComputeStateRoot();
        return s;
    }

    [Fact]
    public void OriginalValue_IsTheValueAtTheStartOfEachTransaction_InsideABundle()
    {
        WorldState s = Base();
        s.BeginBundle();
        s.SetStorage(A, UInt256.One, new UInt256(8));
        Assert.Equal(new UInt256(7), s.GetOriginalStorage(A, UInt256.One)); // EIP-2200: value before this transaction
        s.CommitTransaction();
        // Next transaction of the same bundle: its original value is what the previous one left.
        Assert.Equal(new UInt256(8), s.GetOriginalStorage(A, UInt256.One));
        s.SetStorage(A, UInt256.One, new UInt256(9));
        Assert.Equal(new UInt256(8), s.GetOriginalStorage(A, UInt256.One));
        // Per-transaction sets start empty in every transaction of the bundle.
        Assert.True(s.WarmAddress(B));
        s.CommitTransaction();
        Assert.True(s.WarmAddress(B));
        Assert.Equal(0, s.Refund);
        s.DiscardTransaction();
        s.RevertBundle();
        Assert.Equal(new UInt256(7), s.GetStorage(A, UInt256.One));
    }

    [Fact]
    public void RevertBundle_RestoresEverything_IncludingDeletedAccounts_AndTheRoot()
    {
        WorldState s = Base();
        Hash256 before = s.ComputeStateRoot();
        s.BeginBundle();
        // tx 1: balance, nonce, storage, transient, code, a new account.
        s.SubtractBalance(A, new UInt256(100));
        s.AddBalance(B, new UInt256(100));
        s.IncrementNonce(A);
        s.SetStorage(A, new UInt256(2), new UInt256(3));
        s.SetTransient(A, UInt256.One, new UInt256(4));
        s.SetCode(B, [0x00]);
        s.AddBalance(Empty, new UInt256(1));
        s.CommitTransaction();
        Assert.Equal(UInt256.Zero, s.GetTransient(A, UInt256.One)); // transient storage ends with its transaction
        // tx 2: empty the new account and touch it, so EIP-161 deletes it at the end of the transaction; and
        // B becomes empty (no code, no balance, nonce 0) and is deleted too.
        s.SubtractBalance(Empty, new UInt256(1));
        s.SetCode(B, []);
        s.SubtractBalance(B, new UInt256(110));
        s.AddBalance(A, new UInt256(110));
        s.CommitTransaction();
        Assert.False(s.Exists(Empty));
        Assert.False(s.Exists(B));
        // tx 3: recreate B with storage, left in progress.
        s.AddBalance(B, new UInt256(5));
        s.SetStorage(B, UInt256.One, UInt256.One);
        s.SetTransient(A, UInt256.One, new UInt256(9));
        s.RevertBundle();

        Assert.False(s.InBundle);
        Assert.Equal(new UInt256(1000), s.GetBalance(A));
        Assert.Equal(new UInt256(10), s.GetBalance(B));
        Assert.True(s.Exists(B));
        Assert.Equal(5UL, s.GetNonce(A));
        Assert.Equal(UInt256.Zero, s.GetStorage(A, new UInt256(2)));
        Assert.Equal(UInt256.Zero, s.GetStorage(B, UInt256.One));
        Assert.Equal(Keccak256.EmptyHash, s.GetCodeHash(B));
        Assert.False(s.Exists(Empty));
        Assert.Equal(UInt256.Zero, s.GetTransient(A, UInt256.One));
        Assert.Equal(before, s.ComputeStateRoot());
    }

    [Fact]
    public void CommitBundle_GivesTheSameRootAsPlainTransactions()
    {
        static void Run(WorldState s)
        {
            s.SubtractBalance(A, new UInt256(100));
            s.AddBalance(B, new UInt256(100));
            s.SetStorage(A, new UInt256(2), new UInt256(3));
            s.CommitTransaction();
            s.SetStorage(A, new UInt256(2), UInt256.Zero);
            s.SetStorage(A, UInt256.One, UInt256.Zero);
            s.SetCode(B, []);
            s.SubtractBalance(B, new UInt256(110));
            s.CommitTransaction();
        }
        WorldState plain = Base();
        Run(plain);
        WorldState bundled = Base();
        bundled.BeginBundle();
        Run(bundled);
        // DiscardTransaction inside a bundle undoes only the current transaction.
        bundled.AddBalance(A, new UInt256(1));
        bundled.DiscardTransaction();
        bundled.CommitBundle();
        Assert.Equal(plain.ComputeStateRoot(), bundled.ComputeStateRoot());
        Assert.False(bundled.Exists(B));
    }

    [Fact]
    public void Misuse_IsRefusedWithoutChangingAnything()
    {
        WorldState s = Base();
        s.AddBalance(A, UInt256.One); // a transaction in progress
        Assert.Throws<InvalidOperationException>(s.BeginBundle);
        s.CommitTransaction();
        Assert.Throws<InvalidOperationException>(s.CommitBundle);
        Assert.Throws<InvalidOperationException>(s.RevertBundle);
        s.BeginBundle();
        Assert.Throws<InvalidOperationException>(s.BeginBundle);
        Assert.Throws<InvalidOperationException>(() => s.ComputeStateRoot());
        s.AddBalance(A, UInt256.One);
        Assert.Throws<InvalidOperationException>(s.CommitBundle); // transaction still in progress
        s.CommitTransaction();
        s.CommitBundle();
        Assert.Equal(new UInt256(1002), s.GetBalance(A));
    }
}
