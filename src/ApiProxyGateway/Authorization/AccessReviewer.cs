using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Telemetry;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Authorization;

/// <summary>
/// Asks the API server (SubjectAccessReview) whether a caller may do something. Decisions are cached with
/// separate TTLs for allowed and denied, bounded in number, and identical questions asked at the same time
/// are sent once. When the API server cannot answer, <see cref="AuthorizationUnavailableException"/> is thrown:
/// the caller must refuse the request.
/// </summary>
internal sealed class AccessReviewer : IDisposable
{
    private readonly ISubjectAccessReviewClient _api;
    private readonly AccessReviewOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly GatewayMetrics _metrics;

    /// <summary>Each user object's part of the key, for as long as the object lives (by reference, never by value).</summary>
    private static readonly ConditionalWeakTable<KubernetesUser, string> UserKeys = new();

    private readonly MemoryCache _cache;
    private readonly ConcurrentDictionary<string, Lazy<Task<AccessDecision>>> _inFlight = new(StringComparer.Ordinal);

    public AccessReviewer(ISubjectAccessReviewClient api, IOptions<AccessReviewOptions> options, GatewayMetrics metrics, TimeProvider timeProvider)
    {
        _metrics = metrics;
        ArgumentNullException.ThrowIfNull(options);
        _api = api;
        _options = options.Value;
        _timeProvider = timeProvider;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, _options.CacheSize) });
    }

    public Task<AccessDecision> ReviewAsync(KubernetesUser user, ResourceAttributes attributes, CancellationToken cancellationToken) =>
        ReviewAsync(user, attributes, TimeSpan.MaxValue, cancellationToken);

    /// <summary>
    /// As <see cref="ReviewAsync(KubernetesUser, ResourceAttributes, CancellationToken)"/>, but a cached decision is
    /// used only if it was made at most <paramref name="maxAge"/> ago: re-authorizing an open stream must see a
    /// RoleBinding deleted since, not the allowed answer cached for minutes. The fresh answer is cached for everyone.
    /// </summary>
    public async Task<AccessDecision> ReviewAsync(KubernetesUser user, ResourceAttributes attributes, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        using var span = StartSpan(user, attributes);
        var key = Key(user, attributes);
        var now = _timeProvider.GetUtcNow();
        if (_cache.TryGetValue(key, out CachedDecision? cached) && cached is not null && now < cached.Deadline && now - cached.Decided <= maxAge)
        {
            _metrics.AuthorizationDecision(cached.Decision.Allowed ? "allowed" : "denied", cacheHit: true);
            span?.SetTag("apiproxygateway.authorization.cache", "hit");
            span?.SetTag("apiproxygateway.authorization.decision", cached.Decision.Allowed ? "allowed" : "denied");
            return cached.Decision;
        }

        // The first asker's span is the parent of the API server call; a caller that joins it waits under its own.
        var asked = false;
        var flight = _inFlight.GetOrAdd(key, k => new Lazy<Task<AccessDecision>>(() =>
        {
            asked = true;
            return AskAsync(k, user, attributes);
        }));
        try
        {
            var decision = await flight.Value.WaitAsync(cancellationToken);
            _metrics.AuthorizationDecision(decision.Allowed ? "allowed" : "denied", cacheHit: false);
            span?.SetTag("apiproxygateway.authorization.cache", asked ? "miss" : "joined");
            span?.SetTag("apiproxygateway.authorization.decision", decision.Allowed ? "allowed" : "denied");
            return decision;
        }
        catch (AuthorizationUnavailableException)
        {
            _metrics.AuthorizationDecision("error", cacheHit: false);
            GatewayActivities.Failed(span, "AuthorizationUnavailable");
            throw;
        }
    }

    /// <summary>The question's span: who asks (validated names, capped) and what about; the object's name is left out.</summary>
    private static Activity? StartSpan(KubernetesUser user, ResourceAttributes attributes)
    {
        var span = GatewayActivities.Source.StartActivity(GatewayActivities.SubjectAccessReview, ActivityKind.Internal);
        span?.SetTag("enduser.id", GatewayActivities.Capped(user.Name));
        span?.SetTag("apiproxygateway.authorization.verb", GatewayActivities.Capped(attributes.Verb, 64));
        span?.SetTag("apiproxygateway.authorization.resource", GatewayActivities.Capped(attributes.ResourceWithSubresource));
        span?.SetTag("apiproxygateway.authorization.group", GatewayActivities.Capped(attributes.Group));
        span?.SetTag("apiproxygateway.authorization.namespace", GatewayActivities.Capped(attributes.Namespace));
        return span;
    }

    public void Dispose() => _cache.Dispose();

    private async Task<AccessDecision> AskAsync(string key, KubernetesUser user, ResourceAttributes attributes)
    {
        // The shared question is not tied to any one caller's cancellation; it has its own deadline.
        try
        {
            using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
            AccessDecision decision;
            var started = _timeProvider.GetTimestamp();
            try
            {
                decision = await _api.ReviewAsync(user, attributes, timeout.Token);
                _metrics.SubjectAccessReview(_timeProvider.GetElapsedTime(started));
            }
            catch (OperationCanceledException e)
            {
                throw new AuthorizationUnavailableException($"the API server did not answer within {_options.Timeout.TotalSeconds:0.#}s", e);
            }

            var ttl = decision.Allowed ? _options.AllowedCacheTtl : _options.DeniedCacheTtl;
            if (ttl > TimeSpan.Zero)
            {
                var decided = _timeProvider.GetUtcNow();
                _cache.Set(key, new CachedDecision(decision with { FromCache = true }, decided, decided + ttl), new MemoryCacheEntryOptions
                {
                    Size = 1,
                    AbsoluteExpirationRelativeToNow = ttl,
                });
            }

            return decision;
        }
        finally
        {
            _inFlight.TryRemove(key, out _);
        }
    }

    /// <summary>The question as one string: equal for the same user (name, UID, groups, extra) asking the same thing.</summary>
    internal static string Key(KubernetesUser user, ResourceAttributes attributes)
    {
        // Unambiguous: every string is length-prefixed and every list count-prefixed, so no value a caller controls
        // (a group, an extra key or value) can pass for a separator or for another part of the question. The user's
        // part is made once per user object (a connection's certificate maps to the same one on every request).
        // One allocation: the request's part is written straight after the cached user part.
        var userKey = UserKeys.GetValue(user, UserKey);
        ReadOnlySpan<string> parts = [attributes.Verb, attributes.Group, attributes.Resource, attributes.Subresource, attributes.Namespace, attributes.Name];
        var length = userKey.Length;
        foreach (var part in parts)
        {
            length += Digits(part.Length) + part.Length + 2;
        }

        return string.Create(length, (userKey, attributes), static (span, state) =>
        {
            state.userKey.CopyTo(span);
            var written = state.userKey.Length;
            var a = state.attributes;
            foreach (var part in (ReadOnlySpan<string>)[a.Verb, a.Group, a.Resource, a.Subresource, a.Namespace, a.Name])
            {
                part.Length.TryFormat(span[written..], out var digits, provider: CultureInfo.InvariantCulture);
                written += digits;
                span[written++] = ':';
                part.CopyTo(span[written..]);
                written += part.Length;
                span[written++] = '|';
            }
        });
    }

    private static int Digits(int value)
    {
        var digits = 1;
        for (; value >= 10; value /= 10)
        {
            digits++;
        }

        return digits;
    }

    private static string UserKey(KubernetesUser user)
    {
        var builder = new StringBuilder();
        Append(builder, user.Name);
        Append(builder, user.Uid ?? "");
        Count(builder, user.Groups.Count);
        foreach (var group in user.Groups.Order(StringComparer.Ordinal))
        {
            Append(builder, group);
        }

        Count(builder, user.Extra.Count);
        foreach (var (extraKey, values) in user.Extra.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            Append(builder, extraKey);
            Count(builder, values.Count);
            foreach (var value in values)
            {
                Append(builder, value);
            }
        }

        return builder.ToString();
    }

    private static void Count(StringBuilder builder, int count) => builder.Append('#').Append(count).Append('|');

    private static void Append(StringBuilder builder, string value) =>
        builder.Append(value.Length).Append(':').Append(value).Append('|');

    /// <summary>A decision as every later asker gets it (marked as from the cache), when it was made and until when it holds.</summary>
    private sealed record CachedDecision(AccessDecision Decision, DateTimeOffset Decided, DateTimeOffset Deadline);
}
