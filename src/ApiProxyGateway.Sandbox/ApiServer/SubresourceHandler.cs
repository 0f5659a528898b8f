using ApiProxyGateway.Sandbox.Rbac;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>
/// Serves a connect-style subresource (pods/log, pods/exec, nodes/proxy, …) of an already authorized request.
/// The simulated kubelets register these; until then such requests get 503.
/// </summary>
public delegate Task SubresourceHandler(HttpContext context, SubresourceRequest request);

/// <summary>What a <see cref="SubresourceHandler"/> needs to know about the request.</summary>
public sealed record SubresourceRequest(string Namespace, string Resource, string Name, string Subresource, string RemainingPath, UserInfo User);
