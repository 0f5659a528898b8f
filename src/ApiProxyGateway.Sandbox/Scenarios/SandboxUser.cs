using ApiProxyGateway.Sandbox.Pki;

namespace ApiProxyGateway.Sandbox.Scenarios;

/// <summary>
/// A scenario user: gets a client certificate and two kubeconfig contexts named after it. The certificate's subject is
/// one O per group and then CN = name, unless <see cref="Subject"/> gives it exactly (RDNs in encoding order), for
/// users whose certificates carry odd subjects: several CNs, multi-valued RDNs, control characters, other string types.
/// </summary>
public sealed record SandboxUser(string Name, IReadOnlyList<string> Groups, IReadOnlyList<IReadOnlyList<SubjectPart>>? Subject = null);
