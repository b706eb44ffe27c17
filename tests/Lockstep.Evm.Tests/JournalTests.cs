using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Evm.Tests;

/// <summary>World-state journal: checkpoints revert balances, nonces, code, storage, transient storage, warm sets, refunds and logs.</summary>
public sealed class JournalTests
{
    private static readonly Address A = Address.FromHex("0x00000000000000000000000000000000000000aa");
    private static readonly Address B = Address.FromHex("0x00000000000000000000000000000000000000bb");

    [Fact]
    public void Revert_restores_everything_after_the_checkpoint()
    {
        var s = new WorldState();
        s.SetAccount(A, 1, new UInt256(100), [], [new(UInt256.One, new UInt256(7))]);
        s.CommitTransaction();
        Hash256 root = s.ComputeStateRoot();

        s.AddBalance(A, new UInt256(5));
        Checkpoint cp = s.TakeCheckpoint();
        s.SubtractBalance(A, new UInt256(50));
        s.SetNonce(A, 9);
        s.SetCode(A, [0x60, 0x00]);
        s.SetStorage(A, UInt256.One, new UInt256(8));
        s.SetTransient(A, UInt256.One, new UInt256(3));
        Assert.True(s.WarmAddress(B));
        Assert.True(s.WarmSlot(A, UInt256.One));
        s.AddRefund(4800);
        s.AddLog(new LogEntry(A, [], []));
        s.AddBalance(B, new UInt256(1));

        s.RevertTo(cp);
        Assert.Equal(new UInt256(105), s.GetBalance(A));
        Assert.Equal(1UL, s.GetNonce(A));
        Assert.Equal(Keccak256.EmptyHash, s.GetCodeHash(A));
        Assert.Equal(new UInt256(7), s.GetStorage(A, UInt256.One));
        Assert.Equal(UInt256.Zero, s.GetTransient(A, UInt256.One));
        Assert.False(s.IsWarm(B));
        Assert.True(s.WarmSlot(A, UInt256.One)); // cold again
        Assert.Equal(0, s.Refund);
        Assert.Empty(s.Logs);
        Assert.False(s.Exists(B));

        s.DiscardTransaction();
        Assert.Equal(new UInt256(100), s.GetBalance(A));
        Assert.Equal(root, s.ComputeStateRoot());
    }

    [Fact]
    public void Original_value_is_the_start_of_transaction_value()
    {
        var s = new WorldState();
        s.SetAccount(A, 0, UInt256.One, [], [new(UInt256.One, new UInt256(7))]);
        s.CommitTransaction();
        s.SetStorage(A, UInt256.One, new UInt256(8));
        s.SetStorage(A, UInt256.One, new UInt256(9));
        Assert.Equal(new UInt256(7), s.GetOriginalStorage(A, UInt256.One));
        s.CommitTransaction();
        Assert.Equal(new UInt256(9), s.GetOriginalStorage(A, UInt256.One));
    }

    [Fact]
    public void Touched_empty_accounts_are_deleted_at_commit()
    {
        var s = new WorldState();
        s.SetAccount(B, 0, UInt256.Zero, [], []);
        s.CommitTransaction();
        Assert.True(s.Exists(B));
        s.AddBalance(B, UInt256.Zero); // EIP-161 touch
        s.CommitTransaction();
        Assert.False(s.Exists(B));
    }

    [Fact]
    public void State_root_of_empty_state_is_the_empty_trie_root()
    {
        Assert.Equal(Keccak256.EmptyTrieRoot, new WorldState().ComputeStateRoot());
    }
}
