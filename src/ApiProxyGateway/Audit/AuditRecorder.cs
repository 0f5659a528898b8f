using System.Globalization;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Kubernetes;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Audit;

/// <summary>Turns an <see cref="AuditEntry"/> into events: one when a stream opens, one when the request completes.</summary>
internal sealed class AuditRecorder(AuditWriter writer, IOptions<AuditOptions> options, TimeProvider timeProvider)
{
    public bool IncludePassThrough => options.Value.IncludePassThrough;

    public AuditEntry Begin(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (verb, objectRef) = RequestDescription.Describe(context.Request);
        var entry = new AuditEntry(Guid.NewGuid().ToString(), timeProvider.GetUtcNow(), context.Request.Path + context.Request.QueryString, verb, objectRef);
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

    public void Complete(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<AuditEntry>() is { } entry)
        {
            writer.Write(Event(entry, context, "ResponseComplete", context.Response.StatusCode));
        }
    }

    private AuditEvent Event(AuditEntry entry, HttpContext context, string stage, int code) => new()
    {
        AuditID = entry.AuditId,
        Stage = stage,
        RequestURI = entry.RequestUri,
        Verb = entry.Verb,
        User = ToAudit(entry.User ?? KubernetesUser.FromPrincipal(context.User)) ?? new AuditUser("system:anonymous", ["system:unauthenticated"], null, null),
        ImpersonatedUser = ToAudit(entry.ImpersonatedUser),
        SourceIPs = context.Connection.RemoteIpAddress is { } remote ? [remote.ToString()] : [],
        UserAgent = context.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null,
        ObjectRef = entry.ObjectRef,
        ResponseStatus = context.Features.Get<StatusBody>() is { } failure && failure.Code == code
            ? new AuditResponseStatus(code, failure.Status, failure.Reason, failure.Message)
            : new AuditResponseStatus(code),
        RequestReceivedTimestamp = Timestamp(entry.Received),
        StageTimestamp = Timestamp(timeProvider.GetUtcNow()),
        Annotations = entry.Annotations.IsEmpty ? null : new SortedDictionary<string, string>(entry.Annotations, StringComparer.Ordinal),
    };

    private static AuditUser? ToAudit(KubernetesUser? user) =>
        user is null ? null : new AuditUser(user.Name, user.Groups, user.Uid, user.Extra.Count == 0 ? null : user.Extra);

    private static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
