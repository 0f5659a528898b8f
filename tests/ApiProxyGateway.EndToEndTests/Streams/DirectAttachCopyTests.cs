using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Streams;

/// <summary>The <see cref="AttachCopyTests"/> straight to the simulated API server, which reaches the kubelets as kube-apiserver does.</summary>
public sealed class DirectAttachCopyTests(SandboxFixture fixture) : AttachCopyTests(fixture)
{
    protected override string ContextPrefix => "direct-";
}
