using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Clients;

/// <summary>The <see cref="PythonClientTests"/> straight to the simulated API server, which reaches the kubelets as kube-apiserver does.</summary>
public sealed class DirectPythonClientTests(SandboxFixture fixture) : PythonClientTests(fixture)
{
    protected override string ContextPrefix => "direct-";
}
