namespace ApiProxyGateway.Fuzz;

/// <summary>
/// Fails the input when the code under test allocated more than a budget that grows with the input: a parser
/// that trusts a declared count or length (CVE-2026-35469) is caught here long before it runs out of memory.
/// </summary>
internal readonly struct AllocationBudget
{
    private readonly long _start;
    private readonly long _budget;

    private AllocationBudget(long budget)
    {
        _budget = budget;
        _start = GC.GetAllocatedBytesForCurrentThread();
    }

    /// <summary>A fixed <paramref name="baseline"/> plus <paramref name="perInputByte"/> for each input byte.</summary>
    public static AllocationBudget Start(int inputLength, long baseline, int perInputByte) => new(baseline + ((long)inputLength * perInputByte));

    public void Check(string what)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread() - _start;
        if (allocated > _budget)
        {
            throw new FuzzFinding($"{what} allocated {allocated} bytes, over its budget of {_budget}.");
        }
    }
}
