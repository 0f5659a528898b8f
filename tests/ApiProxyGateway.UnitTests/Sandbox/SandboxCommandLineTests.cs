using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Sandbox.Konnectivity;

namespace ApiProxyGateway.UnitTests.Sandbox;

/// <summary>The sandbox's state lands where the README's commands look for it, whatever directory it runs in.</summary>
public sealed class SandboxCommandLineTests
{
    [Fact]
    public void Parse_WithoutStateDir_UsesTheRepositoryRootsSandboxFolder()
    {
        var root = Directory.CreateTempSubdirectory("apg-root-");
        try
        {
            File.WriteAllText(Path.Combine(root.FullName, "ApiProxyGateway.sln"), "");
            var program = Directory.CreateDirectory(Path.Combine(root.FullName, "src", "ApiProxyGateway.Sandbox", "bin", "Debug", "net10.0"));

            Assert.Equal(Path.Combine(root.FullName, ".sandbox"), SandboxCommandLine.DefaultStateDirectory(program.FullName));
            Assert.Equal(".sandbox", SandboxCommandLine.DefaultStateDirectory(Path.GetTempPath())); // outside any repository
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Parse_ThisBuild_PutsTheStateInThisRepository()
    {
        var parsed = SandboxCommandLine.Parse([]);

        Assert.Null(parsed.Error);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(parsed.Options.StateDirectory)!, "ApiProxyGateway.sln")), parsed.Options.StateDirectory);
        Assert.Equal(".sandbox", Path.GetFileName(parsed.Options.StateDirectory));
        Assert.Equal("/my/state", SandboxCommandLine.Parse(["--state-dir", "/my/state"]).Options.StateDirectory);
    }

    [Theory]
    [InlineData(new[] { "--egress", "grpc" }, EgressProtocol.Grpc, EgressTransport.Uds)]
    [InlineData(new[] { "--egress", "http-connect" }, EgressProtocol.HttpConnect, EgressTransport.Uds)]
    [InlineData(new[] { "--egress-transport", "tcp", "--egress", "http-connect" }, EgressProtocol.HttpConnect, EgressTransport.Tcp)]
    public void Parse_Egress_SetsProtocolAndTransport(string[] args, EgressProtocol protocol, EgressTransport transport)
    {
        var parsed = SandboxCommandLine.Parse(args);

        Assert.Null(parsed.Error);
        Assert.Equal(protocol, parsed.Options.Egress);
        Assert.Equal(transport, parsed.Options.EgressTransport);
    }

    [Theory]
    [InlineData(new[] { "--egress", "socks" }, "--egress must be grpc or http-connect, not 'socks'")]
    [InlineData(new[] { "--egress" }, "--egress needs a value")]
    [InlineData(new[] { "--egress-transport", "tcp" }, "--egress-transport needs --egress")]
    [InlineData(new[] { "--egress", "grpc", "--egress-transport", "tcp" }, "--egress-transport tcp needs --egress http-connect: kube-apiserver allows GRPC over a Unix domain socket only")]
    public void Parse_BadEgress_SaysWhy(string[] args, string error) => Assert.Equal(error, SandboxCommandLine.Parse(args).Error);

    [Fact]
    public void Parse_WithoutEgress_LeavesItOff() => Assert.Null(SandboxCommandLine.Parse([]).Options.Egress);

    [Fact]
    public void Validate_EgressOptions_ReportsEveryProblem()
    {
        var options = new SandboxOptions
        {
            StateDirectory = "/" + new string('d', 100),
            Egress = EgressProtocol.Grpc,
            EgressTransport = EgressTransport.Tcp,
            AgentConnectTimeout = TimeSpan.Zero,
        };

        var errors = options.Validate();

        Assert.Contains(errors, e => e.StartsWith("EgressTransport Tcp cannot carry Egress Grpc", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("would be longer than the 107 bytes a Unix socket path may have", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("AgentConnectTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_GatewayReplicasAndRoll_SetsTheReplicasAndRolls()
    {
        var parsed = SandboxCommandLine.Parse(["--gateway-replicas", "3", "--roll"]);

        Assert.Null(parsed.Error);
        Assert.Equal(3, parsed.Options.GatewayReplicas);
        Assert.True(parsed.Roll);
        Assert.Empty(parsed.Options.Validate());
    }

    [Theory]
    [InlineData(new[] { "--roll" }, "--roll needs --gateway-replicas 2 or more")]
    [InlineData(new[] { "--gateway-replicas", "1", "--roll" }, "--roll needs --gateway-replicas 2 or more")]
    [InlineData(new[] { "--gateway-replicas", "two" }, "two")]
    public void Parse_RollWithoutReplicas_IsAnError(string[] args, string error)
    {
        Assert.Contains(error, SandboxCommandLine.Parse(args).Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void Validate_ReplicasOutsideTheAddressPlan_NamesTheOption(int replicas)
    {
        var errors = new SandboxOptions { GatewayReplicas = replicas }.Validate();

        Assert.Contains(errors, e => e.StartsWith($"GatewayReplicas {replicas} is outside 1–8", StringComparison.Ordinal));
    }
}
