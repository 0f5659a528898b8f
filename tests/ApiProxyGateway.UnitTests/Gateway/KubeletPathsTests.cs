using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Streaming;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class KubeletPathsTests
{
    private static readonly PodInfo Pod = new("demo", "web", "uid-1", "node-a", ["web", "sidecar"], ["init"], [], null, ["10.0.0.5"], []);

    [Fact]
    public void Exec_RenamesStreamFlagsRepeatsCommandAndPinsTheUid()
    {
        var path = KubeletPaths.For(PodSubresource.Exec, Pod, "web", Query(("stdin", "true"), ("stdout", "true"), ("stderr", "1"), ("tty", "false"), ("command", "sh"), ("command", "-c"), ("command", "echo a&b"), ("container", "web")));

        Assert.Equal("/exec/demo/web/uid-1/web?input=1&output=1&error=1&command=sh&command=-c&command=echo%20a%26b", path);
    }

    [Fact]
    public void Attach_WithTty_PassesTty()
    {
        Assert.Equal("/attach/demo/web/uid-1/web?input=1&output=1&tty=1", KubeletPaths.For(PodSubresource.Attach, Pod, "web", Query(("stdin", "true"), ("stdout", "true"), ("tty", "true"))));
    }

    [Fact]
    public void PortForward_PortsBecomeOneEncodedPortParameterAsKubeApiserverSends()
    {
        Assert.Equal("/portForward/demo/web/uid-1?port=8080%2C9090", KubeletPaths.For(PodSubresource.PortForward, Pod, null, Query(("ports", "8080"), ("ports", "9090"))));
        Assert.Equal("/portForward/demo/web/uid-1", KubeletPaths.For(PodSubresource.PortForward, Pod, null, Query()));
    }

    [Fact]
    public void Log_PassesOnlyTheOptionsThatAreSet()
    {
        var path = KubeletPaths.For(PodSubresource.Log, Pod, "web", Query(("follow", "true"), ("previous", "false"), ("tailLines", "10"), ("sinceTime", "2026-01-02T03:04:05Z"), ("limitBytes", "100"), ("timestamps", "1")));

        Assert.Equal("/containerLogs/demo/web/web?follow=true&timestamps=true&tailLines=10&limitBytes=100&sinceTime=2026-01-02T03%3A04%3A05Z", path);
    }

    [Theory]
    [InlineData("tailLines", "ten", "tailLines: \"ten\" is not a number")]
    [InlineData("sinceTime", "yesterday", "sinceTime: \"yesterday\" is not an RFC 3339 time")]
    public void MalformedOption_IsABadRequestWithTheOptionNamed(string name, string value, string message)
    {
        var error = Assert.Throws<FormatException>(() => KubeletPaths.For(PodSubresource.Log, Pod, "web", Query((name, value), ("stdout", "true"), ("command", "ls"))));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData(new[] { "true" }, true)]
    [InlineData(new[] { "1" }, true)]
    [InlineData(new[] { "" }, true)]
    [InlineData(new[] { "yes" }, true)]
    [InlineData(new[] { "2" }, true)]
    [InlineData(new[] { "1", "x" }, true)]
    [InlineData(new[] { "0" }, false)]
    [InlineData(new[] { "false" }, false)]
    [InlineData(new[] { "FaLsE" }, false)]
    [InlineData(new[] { "false", "true" }, false)]
    public void Exec_StreamFlagsAreReadAsKubeApiserverReadsThem_AndTheRelayOpensExactlyTheStreamsTheKubeletIsAskedFor(string[] stdin, bool expected)
    {
        // runtime.Convert_Slice_string_To_bool: the first value; only 0 and false (any case) are false, the empty one is true.
        var query = new QueryCollection(new Dictionary<string, StringValues>
        {
            ["stdin"] = new(stdin),
            ["stdout"] = new("1"),
            ["command"] = new("sh"),
        });

        var path = KubeletPaths.For(PodSubresource.Exec, Pod, "web", query);
        var streams = KubeletPaths.StreamOptions(query);

        Assert.Equal(expected, path.Contains("input=1", StringComparison.Ordinal));
        Assert.Equal(expected, streams.Stdin);
        Assert.True(streams.Stdout);
        Assert.False(streams.Stderr || streams.Tty);
    }

    [Fact]
    public void Exec_KubeletSpellingOfAStreamFlag_AsksForNothing()
    {
        // kube-apiserver knows stdin, not the kubelet's input: ?input=1 asks for no stdin, for the URL and the relay alike.
        var query = Query(("input", "1"), ("stdout", "true"), ("command", "sh"));

        Assert.Equal("/exec/demo/web/uid-1/web?output=1&command=sh", KubeletPaths.For(PodSubresource.Exec, Pod, "web", query));
        Assert.False(KubeletPaths.StreamOptions(query).Stdin);
    }

    [Fact]
    public void Exec_WithoutAnyStream_IsRefused() =>
        Assert.Equal("you must specify at least 1 of stdin, stdout, stderr", Assert.Throws<FormatException>(() => KubeletPaths.For(PodSubresource.Exec, Pod, "web", Query(("command", "ls")))).Message);

    [Fact]
    public void Exec_WithoutCommand_IsRefused() =>
        Assert.Equal("you must specify at least one command for the container", Assert.Throws<FormatException>(() => KubeletPaths.For(PodSubresource.Exec, Pod, "web", Query(("stdout", "true")))).Message);

    [Fact]
    public void ContainerSelection_SeveralContainersNoneNamed_ListsThemAsKubeApiserverDoes()
    {
        var error = Assert.Throws<FormatException>(() => ContainerSelection.Resolve(Pod, null));

        Assert.Equal("a container name must be specified for pod web, choose one of: [web sidecar] or one of the init containers: [init]", error.Message);
    }

    [Fact]
    public void ContainerSelection_DefaultContainerAnnotation_IsUsed() =>
        Assert.Equal("sidecar", ContainerSelection.Resolve(Pod with { DefaultContainer = "sidecar" }, null));

    [Fact]
    public void ContainerSelection_SingleContainer_IsTheDefault() =>
        Assert.Equal("only", ContainerSelection.Resolve(Pod with { Containers = ["only"], InitContainers = [] }, ""));

    [Fact]
    public void ContainerSelection_UnknownName_IsNotValid() =>
        Assert.Equal("container nope is not valid for pod web", Assert.Throws<FormatException>(() => ContainerSelection.Resolve(Pod, "nope")).Message);

    [Fact]
    public void ContainerSelection_InitContainerByName_IsAllowed() =>
        Assert.Equal("init", ContainerSelection.Resolve(Pod, "init"));

    private static QueryCollection Query(params (string Name, string Value)[] pairs) =>
        new(pairs.GroupBy(p => p.Name).ToDictionary(g => g.Key, g => new StringValues([.. g.Select(p => p.Value)])));
}
