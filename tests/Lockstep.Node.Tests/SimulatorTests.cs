using Lockstep.Chain;
using Lockstep.Evm;
using Lockstep.Primitives;
using Lockstep.Storage;
using Lockstep.TxPool;

namespace Lockstep.Node.Tests;

/// <summary>eth_call and eth_estimateGas semantics on a committed state, with geth-style overrides.</summary>
public sealed class SimulatorTests
{
    private static readonly Address Probe = Address.FromHex("0x0000000000000000000000000000000000c0ffee");
    private static readonly Address Funded = DevAccounts.Derive(DevAccounts.TestMnemonic, 1)[0].Address;

    private static (RollupChain Chain, Simulator Sim) Setup()
    {
        var chain = new RollupChain(new MemoryKeyValueStore(), DevGenesis.Create(31337, [Funded]), new TxPoolOptions { ChainId = 31337 });
        return (chain, new Simulator(chain.ChainId, chain.Store));
    }

    private static Dictionary<Address, AccountOverride> Code(string hex, UInt256? balance = null) =>
        new() { [Probe] = new AccountOverride { Code = Hex.Decode(hex), Balance = balance } };

    [Fact]
    public void Overridden_code_balance_and_storage_are_seen_by_the_call()
    {
        (RollupChain chain, Simulator sim) = Setup();
        using (chain)
        {
            // SELFBALANCE PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
            CallOutcome o = sim.Call(chain.Head, chain.OpenStateReader(chain.Head), new CallRequest { To = Probe }, Code("0x4760005260206000f3", new UInt256(77)));
            Assert.True(o.Success);
            Assert.Equal(new UInt256(77), new UInt256(o.Output));
            // PUSH1 3 SLOAD ... returns slot 3
            var storage = new Dictionary<Address, AccountOverride>
            {
                [Probe] = new() { Code = Hex.Decode("0x60035460005260206000f3"), StateDiff = new Dictionary<UInt256, UInt256> { [3] = 99 } },
            };
            Assert.Equal(new UInt256(99), new UInt256(sim.Call(chain.Head, chain.OpenStateReader(chain.Head), new CallRequest { To = Probe }, storage).Output));
            // Nothing persisted: without overrides the probe has no code.
            Assert.Empty(sim.Call(chain.Head, chain.OpenStateReader(chain.Head), new CallRequest { To = Probe }).Output);
        }
    }

    [Fact]
    public void Estimate_finds_the_boundary_of_a_gas_burning_loop()
    {
        (RollupChain chain, Simulator sim) = Setup();
        using (chain)
        {
            // Loop 200 times, then SSTORE 1 into slot 0: JUMPDEST-based counter (cost depends on the gas schedule only).
            // PUSH1 200 JUMPDEST PUSH1 1 SWAP1 SUB DUP1 PUSH1 2 JUMPI PUSH1 1 PUSH1 0 SSTORE STOP
            var overrides = Code("0x60c85b600190038060025760016000550000");
            var request = new CallRequest { From = Funded, To = Probe };
            GasEstimate e = sim.EstimateGas(chain.Head, chain.OpenStateReader(chain.Head), request, overrides);
            Assert.Equal(EstimateFailure.None, e.Failure);
            Assert.True(sim.Call(chain.Head, chain.OpenStateReader(chain.Head), new CallRequest { From = Funded, To = Probe, Gas = e.Gas }, overrides).Success);
            CallOutcome less = sim.Call(chain.Head, chain.OpenStateReader(chain.Head), new CallRequest { From = Funded, To = Probe, Gas = e.Gas - 1 }, overrides);
            Assert.False(less.Success);
            Assert.Equal(ExecStatus.OutOfGas, less.Status);
        }
    }

    [Fact]
    public void Estimate_reports_reverts_with_data_and_unpayable_messages()
    {
        (RollupChain chain, Simulator sim) = Setup();
        using (chain)
        {
            // PUSH2 0xdead PUSH1 0 MSTORE PUSH1 2 PUSH1 30 REVERT -> reverts with 0xdead
            GasEstimate reverted = sim.EstimateGas(chain.Head, chain.OpenStateReader(chain.Head), new CallRequest { To = Probe }, Code("0x61dead6000526002601efd"));
            Assert.Equal(EstimateFailure.Reverted, reverted.Failure);
            Assert.Equal(new byte[] { 0xde, 0xad }, reverted.RevertData);

            // A sender with nothing cannot pay 1 wei of value.
            GasEstimate poor = sim.EstimateGas(chain.Head, chain.OpenStateReader(chain.Head), new CallRequest { From = Probe, To = Funded, Value = 1 });
            Assert.NotEqual(EstimateFailure.None, poor.Failure);

            // INVALID always halts: no gas limit helps.
            GasEstimate halts = sim.EstimateGas(chain.Head, chain.OpenStateReader(chain.Head), new CallRequest { To = Probe }, Code("0xfe"));
            Assert.Equal(EstimateFailure.ExceedsAllowance, halts.Failure);
        }
    }

    [Fact]
    public void A_contract_may_be_the_caller_as_in_geths_eth_call()
    {
        (RollupChain chain, Simulator sim) = Setup();
        using (chain)
        {
            // The probe has code (EIP-3607 would refuse it as a transaction sender); eth_call skips that rule.
            var overrides = new Dictionary<Address, AccountOverride> { [Probe] = new() { Code = [0x00] } };
            CallOutcome o = sim.Call(chain.Head, chain.OpenStateReader(chain.Head), new CallRequest { From = Probe, To = Funded }, overrides);
            Assert.True(o.Success);
        }
    }
}
