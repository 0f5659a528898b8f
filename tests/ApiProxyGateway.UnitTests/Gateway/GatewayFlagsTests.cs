using ApiProxyGateway.Settings;
using Microsoft.Extensions.Configuration;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class GatewayFlagsTests
{
    [Fact]
    public void ExpandLists_RepeatedAndCommaSeparated_BecomeIndexedSettingsInOrder()
    {
        var expanded = GatewayFlags.ExpandLists(["--client-crl-file", "a.pem,b.pem", "--secure-port", "0", "--client-crl-file=c.der", "--client-crl-file", " d.pem , "]);

        Assert.Equal(["--Revocation:CrlFiles:0=a.pem", "--Revocation:CrlFiles:1=b.pem", "--secure-port", "0", "--Revocation:CrlFiles:2=c.der", "--Revocation:CrlFiles:3=d.pem"], expanded);
    }

    [Fact]
    public void ExpandLists_NoListFlag_LeavesTheCommandLineAsItIs()
    {
        string[] args = ["--client-ca-file", "a,b", "--kubelet-preferred-address-types=InternalIP,Hostname"];

        Assert.Equal(args, GatewayFlags.ExpandLists(args));
    }

    [Fact]
    public void ExpandLists_BooleanFlagAlone_IsTrueAndAnExplicitValueStays()
    {
        var expanded = GatewayFlags.ExpandLists(["--recording-required", "--recording-dir", "/r", "--record-input=false", "--stream-reauthorization-fail-open"]);

        Assert.Equal(["--recording-required=true", "--recording-dir", "/r", "--record-input=false", "--stream-reauthorization-fail-open=true"], expanded);
    }

    [Fact]
    public void ExpandLists_ListFlagLastWithoutValue_IsLeftForTheProviderToRefuse()
    {
        Assert.Equal(["--client-crl-file"], GatewayFlags.ExpandLists(["--client-crl-file"]));
    }

    [Fact]
    public void ExpandLists_WithTheConfigurationProvider_KeepsEveryValue()
    {
        var configuration = new ConfigurationBuilder()
            .AddCommandLine(GatewayFlags.ExpandLists(["--client-crl-file", "a.pem", "--client-crl-file", "b.pem,c.pem"]), GatewayFlags.SwitchMappings.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal))
            .Build();

        Assert.Equal(["a.pem", "b.pem", "c.pem"], configuration.GetSection("Revocation:CrlFiles").Get<string[]>() ?? []);
    }

    [Fact]
    public void Describe_ListSetting_NamesItsFlag()
    {
        Assert.Equal("Revocation:CrlFiles (--client-crl-file)", GatewayFlags.Describe("Revocation:CrlFiles"));
        Assert.Empty(GatewayFlags.Unknown(["--client-crl-file", "a.pem", "--client-certificate-denylist-file=x", "--max-client-certificate-lifetime", "1.00:00:00"]));
    }
}
