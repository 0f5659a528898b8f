using System.Globalization;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Requests;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Audit;

/// <summary>Turns an <see cref="AuditEntry"/> into events: one when a stream opens, one when the request completes.</summary>
internal sealed class AuditRecorder(AuditWriter writer, IOptions<AuditOptions> options, TimeProvider timeProvider)
{
    private const int MicroTimeLength = 27;

    public bool IncludePassThrough => options.Value.IncludePassThrough;

    public AuditEntry Begin(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // The request URI as the client sent it (kube-apiserver records req.URL.RequestURI()), not a decoded form.
        var entry = new AuditEntry(AuditIds.New(), timeProvider.GetUtcNow(), context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget);
        context.Features.Set(entry);
        return entry;
    }

    /// <summary>The stream is established: records the ResponseStarted stage once.</summary>
    public void StreamStarted(HttpContext context, int code)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<AuditEntry>() is { StreamStarted: false } entry)
        {
            entry.StreamStarted = true;
            writer.Write(Event(entry, context, "ResponseStarted", code));
        }
    }

    /// <summary>The request is over: records the ResponseComplete stage of the entry <see cref="Begin"/> opened.</summary>
    public void Complete(HttpContext context, AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(entry);
        writer.Write(Event(entry, context, "ResponseComplete", context.Response.StatusCode));
    }

    private AuditEvent Event(AuditEntry entry, HttpContext context, string stage, int code)
    {
        // What the request was, as the classifier read it; a request refused before it could be read has only its method.
        var info = context.Features.Get<ClassifiedRequest>()?.Info;
        return new AuditEvent
        {
            AuditID = entry.AuditId,
            Stage = stage,
            RequestURI = entry.RequestUri,
            Verb = info?.Verb ?? context.Request.Method.ToLowerInvariant(),
            User = ToAudit(entry.User ?? KubernetesUser.FromPrincipal(context.User)) ?? new AuditUser("system:anonymous", ["system:unauthenticated"], null, null),
            ImpersonatedUser = ToAudit(entry.ImpersonatedUser),
            SourceIPs = context.Connection.RemoteIpAddress is { } remote ? [remote.ToString()] : [],
            UserAgent = context.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null,
            ObjectRef = info is { IsResourceRequest: true }
                ? new AuditObjectReference(Empty(info.Resource), Empty(info.Namespace), Empty(info.Name), entry.ObjectUid, Empty(info.ApiGroup), Empty(info.ApiVersion), Empty(info.Subresource))
                : null,
            ResponseStatus = context.Features.Get<StatusBody>() is { } failure && failure.Code == code
                ? new AuditResponseStatus(code, failure.Status, failure.Reason, failure.Message)
                : new AuditResponseStatus(code),
            RequestReceivedTimestamp = Timestamp(entry.Received),
            StageTimestamp = Timestamp(timeProvider.GetUtcNow()),
            Annotations = entry.AnnotationsSnapshot(),
        };
    }

    private static string? Empty(string value) => value.Length == 0 ? null : value;

    private static AuditUser? ToAudit(KubernetesUser? user) =>
        user is null ? null : new AuditUser(user.Name, user.Groups, user.Uid, user.Extra.Count == 0 ? null : user.Extra);

    /// <summary>
    /// kube-apiserver's <c>MicroTime</c>: RFC 3339 in UTC with six fractional digits (<c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>).
    /// Written from the round-trip format, the framework's fast path (seven digits for a UTC time), less its last digit:
    /// the same text as the custom format, which truncates too, at a fraction of its cost on every request.
    /// </summary>
    internal static string Timestamp(DateTimeOffset time) => string.Create(MicroTimeLength, time.UtcDateTime, static (text, utc) =>
    {
        Span<char> roundTrip = stackalloc char[MicroTimeLength + 1];
        utc.TryFormat(roundTrip, out _, "O", CultureInfo.InvariantCulture);
        roundTrip[..(MicroTimeLength - 1)].CopyTo(text);
        text[^1] = 'Z';
    });
}
