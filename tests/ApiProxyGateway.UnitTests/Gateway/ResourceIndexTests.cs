using ApiProxyGateway.Kubernetes;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>A cache's secondary index follows every add, change and removal of the items it indexes.</summary>
public sealed class ResourceIndexTests
{
    private sealed record Item(string Name, string[] Keys);

    private static ResourceIndex<Item> NewIndex() => new(item => item.Keys);

    [Fact]
    public void Get_FindsEveryItemWithTheKeyAndNoOther()
    {
        var index = NewIndex();
        index.Update("a", null, new Item("a", ["10.0.0.1", "node-a"]));
        index.Update("b", null, new Item("b", ["10.0.0.1"]));
        index.Update("c", null, new Item("c", ["10.0.0.3"]));

        Assert.Equal(["a", "b"], index.Get("10.0.0.1").Select(i => i.Name).Order());
        Assert.Equal(["a"], index.Get("node-a").Select(i => i.Name));
        Assert.Empty(index.Get("10.0.0.2"));
    }

    [Fact]
    public void Update_MovesAChangedItemToItsNewKeysAndRemovesItFromTheOldOnes()
    {
        var index = NewIndex();
        var before = new Item("a", ["10.0.0.1"]);
        index.Update("a", null, before);
        var after = new Item("a", ["10.0.0.2"]);
        index.Update("a", before, after);

        Assert.Empty(index.Get("10.0.0.1"));
        Assert.Same(after, Assert.Single(index.Get("10.0.0.2")));
    }

    [Fact]
    public void Update_ReplacesAnItemWhoseKeysDidNotChange()
    {
        var index = NewIndex();
        var before = new Item("a", ["k"]);
        index.Update("a", null, before);
        var after = new Item("a", ["k"]);
        index.Update("a", before, after);

        Assert.Same(after, Assert.Single(index.Get("k")));
    }

    [Fact]
    public void Update_WithNoCurrentItem_RemovesItOnlyFromItsOwnKeys()
    {
        var index = NewIndex();
        var a = new Item("a", ["k"]);
        index.Update("a", null, a);
        index.Update("b", null, new Item("b", ["k"]));
        index.Update("a", a, null);

        Assert.Equal("b", Assert.Single(index.Get("k")).Name);
    }

    [Fact]
    public void Get_ReturnsAWholeBucketWhileTheWriterChangesIt()
    {
        var index = NewIndex();
        index.Update("a", null, new Item("a", ["k"]));
        var seen = index.Get("k");
        index.Update("b", null, new Item("b", ["k"]));

        Assert.Equal("a", Assert.Single(seen).Name);
        Assert.Equal(2, index.Get("k").Count());
    }

    [Fact]
    public async Task Get_WhileTheItemIsUpdatedUnderTheSameKeys_AlwaysFindsIt()
    {
        // A node's status changes every few seconds; the kubelet check reads its index meanwhile and must never find
        // the node missing from an address it keeps.
        var index = NewIndex();
        var current = new Item("node-a", ["10.0.0.1", "fd00::1"]);
        index.Update("node-a", null, current);
        using var stop = new CancellationTokenSource();
        var misses = 0;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (!index.Get("10.0.0.1").Any() || !index.Get("fd00::1").Any())
                {
                    Interlocked.Increment(ref misses);
                }
            }
        }, TestContext.Current.CancellationToken);

        for (var i = 0; i < 200_000; i++)
        {
            var next = new Item("node-a", i % 2 == 0 ? ["fd00::1", "10.0.0.1"] : ["10.0.0.1", "fd00::1", "10.0.0.9"]);
            index.Update("node-a", current, next);
            current = next;
        }

        await stop.CancelAsync();
        await reader;
        Assert.Equal(0, misses);
        Assert.Equal(current.Keys.Length == 3, index.Get("10.0.0.9").Any());
    }

    [Theory]
    [InlineData("10.0.0.1", "10.0.0.1")]
    [InlineData("::ffff:10.0.0.1", "10.0.0.1")]
    [InlineData("::10.0.0.1", "10.0.0.1")]
    [InlineData("2002:a00:1::", "10.0.0.1")]
    [InlineData("64:ff9b::a00:1", "10.0.0.1")]
    [InlineData("fd00:0:0:0:0:0:0:1", "fd00::1")]
    public void NodeAddressKey_ReadsEmbeddedIPv4FormsAsTheAddressTheyReach(string written, string key)
    {
        // The kubelet check finds a node by a target's address however either is written.
        Assert.Equal(key, ClusterView.AddressKey(System.Net.IPAddress.Parse(written)));
    }
}
