using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Encodings.Web;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Authentication;

/// <summary>
/// Authenticates callers by the TLS client certificate presented in the handshake, in the shape of ASP.NET Core's
/// certificate handler. That handler (Microsoft.AspNetCore.Authentication.Certificate) is not used because it builds
/// the client's chain with certificate downloads on (a client-chosen AIA URL would be fetched) and at the wall-clock
/// time rather than an injected <see cref="TimeProvider"/>; <see cref="ClientCertificateValidator"/> does neither. A
/// missing or invalid certificate leads to a 401 Kubernetes Status, so kubectl says "You must be logged in to the
/// server (Unauthorized)".
/// </summary>
internal sealed class ClientCertificateAuthenticationHandler(
    IOptionsMonitor<ClientCertificateAuthenticationOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ClientCertificateValidator validator,
    GatewayMetrics metrics)
    : AuthenticationHandler<ClientCertificateAuthenticationOptions>(options, loggerFactory, encoder)
{
    public const string FailureItemKey = "ApiProxyGateway.AuthenticationFailure";
    private const string FailureDetailItemKey = "ApiProxyGateway.AuthenticationFailureDetail";

    /// <summary>
    /// Each validated user's principal, made once: a validation result (and so its user) is cached and shared by every
    /// request of the certificate, and building the claims per request cost more than authenticating it. Nothing in
    /// the gateway changes a principal once made (no claims transformation), so requests can share it.
    /// </summary>
    private static readonly ConditionalWeakTable<KubernetesUser, ClaimsPrincipal> Principals = new();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.IsHttps)
        {
            return AuthenticateResult.NoResult();
        }

        using var span = GatewayActivities.Source.StartActivity(GatewayActivities.Authenticate, ActivityKind.Internal);
        var certificate = await Context.Connection.GetClientCertificateAsync(Context.RequestAborted);
        if (certificate is null)
        {
            GatewayActivities.Failed(span, nameof(ClientCertificateFailure.NoCertificate));
            Context.Items[FailureItemKey] = ClientCertificateFailure.NoCertificate;
            metrics.AuthenticationFailure(nameof(ClientCertificateFailure.NoCertificate));
            AuthenticationLog.NoCertificate(Logger, Context.Connection.RemoteIpAddress?.ToString());
            return AuthenticateResult.NoResult();
        }

        var result = validator.Validate(certificate);
        if (!result.Succeeded)
        {
            GatewayActivities.Failed(span, result.Failure.ToString());
            Context.Items[FailureItemKey] = result.Failure;
            if (result.Failure is ClientCertificateFailure.UnreadableSubject or ClientCertificateFailure.UnforwardableSubject or ClientCertificateFailure.InsecureCertificate
                || RevocationSource(result.Failure) is not null)
            {
                // Unlike an unknown CA or an expired certificate, this is a certificate the cluster issued that the
                // gateway cannot use (or no longer accepts): say why, or its owner has nothing to go on.
                Context.Items[FailureDetailItemKey] = result.Detail;
            }

            metrics.AuthenticationFailure(result.Failure.ToString());
            if (RevocationSource(result.Failure) is { } source)
            {
                metrics.RevocationRefusal(source);
                AuthenticationLog.CertificateRevoked(Logger, certificate.Subject, ClientCertificateIdentity.CredentialId(certificate), source, result.Detail);
            }
            else
            {
                AuthenticationLog.CertificateRejected(Logger, certificate.Subject, certificate.Thumbprint, result.Failure, result.Detail);
            }

            return AuthenticateResult.Fail($"client certificate rejected: {result.Failure}");
        }

        var user = result.User!; // Succeeded implies User

        // The subject passed Go's reading and the header checks (no control characters), so it can be an attribute.
        span?.SetTag("enduser.id", GatewayActivities.Capped(user.Name));
        span?.SetTag("apiproxygateway.user.groups", user.Groups.Count);
        var ticket = new AuthenticationTicket(Principals.GetValue(user, static user => user.ToPrincipal(ClientCertificateAuthenticationDefaults.AuthenticationScheme)), Scheme.Name);
        return AuthenticateResult.Success(ticket);
    }

    /// <summary>The revocation metric's source for a refusal of a certificate the cluster issued but no longer accepts, else null.</summary>
    private static string? RevocationSource(ClientCertificateFailure failure) => failure switch
    {
        ClientCertificateFailure.Revoked => "crl",
        ClientCertificateFailure.StaleRevocationList => "crl-stale",
        ClientCertificateFailure.Denylisted => "denylist",
        ClientCertificateFailure.LifetimeTooLong => "lifetime",
        _ => null,
    };

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Context.Items[FailureDetailItemKey] is string detail
            ? KubernetesStatus.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized", detail)
            : KubernetesStatus.UnauthorizedAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        KubernetesStatus.ForbiddenAsync(Context, "forbidden");
}
