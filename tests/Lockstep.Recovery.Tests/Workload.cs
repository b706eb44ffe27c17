using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.SystemContracts;

namespace Lockstep.Recovery.Tests;

/// <summary>
/// The seeded user workload of the recovery tests, the same in the honest and the cheating runs: per superblock,
/// ETH transfers on both rollups, ETH bridged both ways, LST transfers on 901 and LST bridged 901 -> 902.
/// Heights 1-3 always carry two ETH mints 901 -> 902 (DropMint and ReorderMessages need them at the fault height 3).
/// 901 -> 902 messages are then left out at heights 4 and 5 and come back at height 6: a cheat on 902's inbox
/// makes every later 901 -> 902 delivery fail, so at height 6 the cheating run REJECTS those bundles; a rejected
/// sender sends nothing afterwards in this workload (see docs/recovery.md, "Known gaps", for a later nonce queued
/// behind a rejected one). The forged mint's beneficiary (account 9) tries to spend it at height 4.
/// </summary>
internal static class Workload
{
    public const int Heights = 6;
    public const ulong FaultHeight = 3;

    public static void Step(RecoverySet s, ulong height, int seed)
    {
        var rng = new Random(seed * 1_000 + (int)height);
        int[] users = RecoverySet.Users;
        bool toDestinationAllowed = height <= FaultHeight || height == Heights;
        foreach (int u in users)
        {
            int other = users[rng.Next(users.Length)];
            Address to = RecoverySet.Accounts[other].Address;
            switch (rng.Next(5))
            {
                case 0:
                    s.Send(0, u, to, new UInt256((ulong)rng.Next(1, 1_000_000)));
                    break;
                case 1:
                    s.Send(1, u, to, new UInt256((ulong)rng.Next(1, 1_000_000)));
                    break;
                case 2: // ETH 902 -> 901
                    s.Send(1, u, SystemAddresses.MintBurn, new UInt256((ulong)rng.Next(1, 1_000_000_000)), SystemCalldata.BurnEth(901, to), 400_000);
                    break;
                case 3: // LST transfer on 901
                    s.Send(0, u, SystemAddresses.CrossRollupToken, UInt256.Zero,
                        AbiValue.EncodeCall("transfer(address,uint256)", AbiValue.Address(to), AbiValue.Uint(new UInt256((ulong)rng.Next(1, 1_000_000)))), 100_000);
                    break;
                default: // LST 901 -> 902
                    if (toDestinationAllowed)
                        s.Send(0, u, SystemAddresses.MintBurn, UInt256.Zero,
                            SystemCalldata.Burn(SystemAddresses.CrossRollupToken, new UInt256((ulong)rng.Next(1, 1_000_000)), 902, to), 400_000);
                    break;
            }
        }
        if (height <= FaultHeight || height == Heights)
        {
            // Two ETH mints 901 -> 902 from users 4 and 5 (amounts seeded).
            for (int k = 0; k < 2; k++)
                s.Send(0, users[k], SystemAddresses.MintBurn, new UInt256((ulong)rng.Next(1, 1_000_000_000)), SystemCalldata.BurnEth(902, RecoverySet.Accounts[users[k + 2]].Address), 400_000);
        }
        if (height == FaultHeight + 1)
        {
            // Only a forged mint funds account 9 on 902: accepted by the cheating sequencer's pool, refused by an honest one.
            s.TrySend(1, 9, RecoverySet.Accounts[4].Address, RecoverySet.Ether / new UInt256(2));
        }
    }

    /// <summary>Runs heights 1..<see cref="Heights"/> (posting via <paramref name="afterBuild"/>), each at GenesisTime + height.</summary>
    public static async Task RunAsync(RecoverySet s, int seed, Func<ulong, Task>? afterBuild = null)
    {
        for (ulong h = 1; h <= Heights; h++)
        {
            Step(s, h, seed);
            s.Set.BuildNext(RecoverySet.GenesisTime + h);
            if (afterBuild is not null) await afterBuild(h);
        }
    }
}
