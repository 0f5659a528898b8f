using ApiProxyGateway.Sandbox.ApiServer;
using Microsoft.AspNetCore.Http.Features;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>A kubelet request: delay (fault), authenticate, authorize (any subresource allowed is enough), route.</summary>
internal sealed class KubeletHandler(KubeletContext kubelet, ClientCertificateAuthenticator authenticator)
{
    private readonly ContainerLogsEndpoint _logs = new(kubelet.Runtime, kubelet.TimeProvider);
    private readonly RemoteCommandEndpoint _remoteCommand = new(kubelet);
    private readonly RunEndpoint _run = new(kubelet);
    private readonly PortForwardEndpoint _portForward = new(kubelet);
    private readonly NodeInfoEndpoints _info = new(kubelet);

    public async Task HandleAsync(HttpContext http)
    {
        // Streams outlive their request's normal life: tie them to the sandbox too, so stopping it ends them.
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, kubelet.Stopping);
        http.RequestAborted = aborted.Token;
        try
        {
            if (kubelet.Settings.ResponseDelay > TimeSpan.Zero)
            {
                await Task.Delay(kubelet.Settings.ResponseDelay, kubelet.TimeProvider, http.RequestAborted);
            }

            var certificate = await http.Connection.GetClientCertificateAsync(http.RequestAborted);
            var authenticated = authenticator.Authenticate(certificate);
            kubelet.Requests?.Add(new RequestLogEntry
            {
                Time = kubelet.TimeProvider.GetUtcNow(),
                Method = http.Request.Method,
                PathAndQuery = http.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget,
                Protocol = http.Request.Protocol,
                ConnectionId = http.Connection.Id,
                Headers = http.Request.Headers.ToDictionary(h => h.Key, h => (IReadOnlyList<string>)[.. h.Value.Select(v => v ?? "")], StringComparer.OrdinalIgnoreCase),
                ClientCertificateSubject = certificate?.Subject,
                AuthenticatedUser = authenticated,
            });
            if (authenticated is not { } user)
            {
                await KubeletResponses.TextAsync(http, 401, "Unauthorized");
                return;
            }

            var path = http.Request.Path.Value ?? "/";
            var method = http.Request.Method;
            if (!KubeletAuthorization.Attributes(user, kubelet.NodeName, method, path).Any(a => kubelet.Authorizer.Authorize(a).Allowed))
            {
                KubeletLog.Forbidden(kubelet.Logger, kubelet.NodeName, user.Name, method, path);
                await KubeletResponses.TextAsync(http, 403, KubeletAuthorization.ForbiddenMessage(user, method, path));
                return;
            }

            var route = KubeletRoute.Parse(path);
            await (route.Endpoint switch
            {
                KubeletEndpoint.ContainerLogs => _logs.HandleAsync(http, route),
                KubeletEndpoint.Exec or KubeletEndpoint.Attach => _remoteCommand.HandleAsync(http, route),
                KubeletEndpoint.Run => _run.HandleAsync(http, route),
                KubeletEndpoint.PortForward => _portForward.HandleAsync(http, route),
                KubeletEndpoint.NotFound => KubeletResponses.TextAsync(http, 404, "404 page not found"),
                _ => _info.HandleAsync(http, route),
            });
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            KubeletLog.Failed(kubelet.Logger, e, kubelet.NodeName, http.Request.Method, http.Request.Path);
            if (!http.Response.HasStarted)
            {
                await KubeletResponses.TextAsync(http, 500, "Internal Server Error");
            }
        }
    }
}
