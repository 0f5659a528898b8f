using ApiProxyGateway.Egress;
using ApiProxyGateway.Settings;
using ApiProxyGateway.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace ApiProxyGateway.UnitTests.Egress;

public sealed class EgressOptionsValidatorTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public void Flag_EgressSelectorConfigFile_SetsTheSettingLikeKubeApiserversFlag()
    {
        string[] args = ["--egress-selector-config-file", "/etc/kubernetes/egress.yaml"];

        var configuration = new ConfigurationBuilder().AddCommandLine(args, GatewayFlags.SwitchMappings.ToDictionary()).Build();

        Assert.Equal("/etc/kubernetes/egress.yaml", configuration["Egress:SelectorConfigFile"]);
        Assert.Empty(GatewayFlags.Unknown(args));
    }

    [Fact]
    public void Validate_NoFile_PassesAndEveryConnectionStaysDirect() =>
        Assert.True(new EgressOptionsValidator(TimeProvider.System).Validate(null, new EgressOptions()).Succeeded);

    [Fact]
    public void Validate_MissingFile_NamesTheSettingTheFlagAndTheFile()
    {
        var file = Path.Combine(_pki.Directory, "egress.yaml");

        var failure = Assert.Single(new EgressOptionsValidator(TimeProvider.System).Validate(null, new EgressOptions { SelectorConfigFile = file }).Failures!);

        Assert.Equal($"Egress:SelectorConfigFile (--egress-selector-config-file): '{file}': the file does not exist", failure);
    }

    [Fact]
    public void Validate_InvalidFile_ReportsEveryProblemAtOnce()
    {
        var file = Path.Combine(_pki.Directory, "egress.yaml");
        File.WriteAllText(file, """
            apiVersion: apiserver.k8s.io/v1beta1
            kind: EgressSelectorConfiguration
            egressSelections:
            - name: cluster
              connection:
                proxyProtocol: GRPC
            - name: nodes
              connection:
                proxyProtocol: Direct
            """);

        var failures = new EgressOptionsValidator(TimeProvider.System).Validate(null, new EgressOptions { SelectorConfigFile = file }).Failures!;

        Assert.Equal(
        [
            $"Egress:SelectorConfigFile (--egress-selector-config-file): '{file}': egressSelections[0].connection.transport: Required value: transport must be set for GRPC",
            $"Egress:SelectorConfigFile (--egress-selector-config-file): '{file}': egressSelections[1].name: Unsupported value: \"nodes\": supported values: \"cluster\", \"controlplane\", \"etcd\"",
        ], failures);
    }
}
