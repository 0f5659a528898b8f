using System.Text.Json.Nodes;
using ApiProxyGateway.Sandbox.Selectors;
using ApiProxyGateway.Sandbox.Store;

namespace ApiProxyGateway.UnitTests.Sandbox;

public sealed class SelectorTests
{
    private static readonly JsonObject Web = Pod("web", "demo", "node-a", "Running", new() { ["app"] = "web", ["tier"] = "front" });

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app=db", false)]
    [InlineData("app!=db", true)]
    [InlineData("missing!=x", true)]
    [InlineData("app in (web, db)", true)]
    [InlineData("app notin (web)", false)]
    [InlineData("missing notin (x)", true)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData("app=web,tier=front", true)]
    [InlineData("app=web,tier=back", false)]
    [InlineData("app in (web,db),!missing", true)]
    public void LabelSelector_Matches_LikeKubernetes(string selector, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Web));

    [Theory]
    [InlineData("app=we b")]
    [InlineData("-app=web")]
    [InlineData("app in (we$b)")]
    [InlineData("count>abc")]
    [InlineData("a=b,")]
    public void LabelSelector_Malformed_Throws(string selector) =>
        Assert.Throws<SelectorParseException>(() => LabelSelector.Parse(selector));

    [Theory]
    [InlineData("metadata.name=web", true)]
    [InlineData("metadata.name==web", true)]
    [InlineData("metadata.name!=web", false)]
    [InlineData("metadata.namespace=demo,spec.nodeName=node-a", true)]
    [InlineData("spec.nodeName=node-b", false)]
    [InlineData("status.phase=Running", true)]
    [InlineData("status.phase!=Running", false)]
    [InlineData("spec.hostNetwork=false", true)]
    public void FieldSelector_OnPods_MatchesLikeKubernetes(string selector, bool expected) =>
        Assert.Equal(expected, FieldSelector.Parse(selector, ResourceCatalog.Pods).Matches(ResourceCatalog.Pods, Web));

    [Fact]
    public void FieldSelector_UnsupportedField_ThrowsKubeMessage()
    {
        var error = Assert.Throws<SelectorParseException>(() => FieldSelector.Parse("spec.nodeName=x", ResourceCatalog.ConfigMaps));

        Assert.Equal("field label not supported: spec.nodeName", error.Message);
    }

    [Fact]
    public void FieldSelector_EventInvolvedObject_Matches()
    {
        var ev = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "e1", ["namespace"] = "demo" },
            ["involvedObject"] = new JsonObject { ["kind"] = "Pod", ["name"] = "web", ["namespace"] = "demo" },
            ["source"] = new JsonObject { ["component"] = "kubelet" },
        };

        var selector = FieldSelector.Parse("involvedObject.kind=Pod,involvedObject.name=web,source=kubelet", ResourceCatalog.Events);

        Assert.True(selector.Matches(ResourceCatalog.Events, ev));
        Assert.False(FieldSelector.Parse("involvedObject.name=db", ResourceCatalog.Events).Matches(ResourceCatalog.Events, ev));
    }

    [Fact]
    public void FieldSelector_EscapedComma_IsPartOfValue()
    {
        var odd = Pod("a,b", "demo", "node-a", "Running", []);

        Assert.True(FieldSelector.Parse(@"metadata.name=a\,b", ResourceCatalog.Pods).Matches(ResourceCatalog.Pods, odd));
    }

    [Fact]
    public void FieldSelector_SingleNameEquality_ExposesRequiredName()
    {
        Assert.Equal("web", FieldSelector.Parse("metadata.name=web", ResourceCatalog.Pods).RequiredName);
        Assert.Null(FieldSelector.Parse("metadata.name!=web", ResourceCatalog.Pods).RequiredName);
    }

    private static JsonObject Pod(string name, string ns, string node, string phase, Dictionary<string, string> labels) => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["labels"] = new JsonObject(labels.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        },
        ["spec"] = new JsonObject { ["nodeName"] = node },
        ["status"] = new JsonObject { ["phase"] = phase },
    };
}
