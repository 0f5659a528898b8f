using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ApiProxyGateway.Telemetry;

/// <summary>
/// The gateway's one meter. Instrument names are dotted with UCUM units and export to Prometheus as
/// <c>apiproxygateway_…</c>; every tag is low-cardinality (no pod names, no paths, no users).
/// </summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "ApiProxyGateway";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;
    private readonly UpDownCounter<long> _activeStreams;
    private readonly Counter<long> _streams;
    private readonly Counter<long> _streamBytes;
    private readonly Histogram<double> _handshakeDuration;
    private readonly Counter<long> _tlsFailures;
    private readonly Counter<long> _authenticationFailures;
    private readonly Counter<long> _revocationRefusals;
    private readonly Counter<long> _authorizationDecisions;
    private readonly Histogram<double> _reviewDuration;
    private readonly Counter<long> _rejectedStreams;
    private readonly Counter<long> _rejectedProxyRequests;
    private readonly Counter<long> _auditDropped;
    private readonly Counter<long> _certificateReloads;
    private readonly Counter<long> _egressDials;
    private readonly Counter<long> _sessionsEnded;
    private readonly Histogram<double> _reauthorizationRound;
    private readonly Histogram<double> _egressDialDuration;
    private readonly UpDownCounter<long> _activeRecordings;
    private readonly Counter<long> _recordings;
    private readonly Counter<long> _recordedBytes;
    private long _activeRequests;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(MeterName);
        _requests = Meter.CreateCounter<long>("apiproxygateway.requests", "{request}", "Requests handled, by route kind, method and status code.");
        Meter.CreateObservableUpDownCounter("apiproxygateway.requests.active", () => Interlocked.Read(ref _activeRequests), "{request}",
            "Requests in progress on the API port, open streams included (read when scraped: no measurement per request).");
        _requestDuration = Meter.CreateHistogram<double>("apiproxygateway.request.duration", "s", "Time from request to the end of the response (the stream's lifetime for streams).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600] });
        _activeStreams = Meter.CreateUpDownCounter<long>("apiproxygateway.streams.active", "{stream}", "Streams open now, by kind and protocol.");
        _streams = Meter.CreateCounter<long>("apiproxygateway.streams.finished", "{stream}", "Streams that ended, by kind, protocol and outcome.");
        _streamBytes = Meter.CreateCounter<long>("apiproxygateway.stream.transferred", "By", "Bytes relayed, by kind and direction (in: from the client; out: to the client).");
        _handshakeDuration = Meter.CreateHistogram<double>("apiproxygateway.upstream.tls.handshake.duration", "s", "Upstream TCP connect and TLS handshake time, by upstream kind.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _tlsFailures = Meter.CreateCounter<long>("apiproxygateway.upstream.tls.failures", "{failure}", "Upstream connections that failed, by upstream kind and reason.");
        _authenticationFailures = Meter.CreateCounter<long>("apiproxygateway.authentication.failures", "{request}", "Requests whose client certificate was missing or refused, by reason.");
        _revocationRefusals = Meter.CreateCounter<long>("apiproxygateway.revocation.refusals", "{request}", "Requests refused because the client certificate is revoked or too long-lived, by source (crl, crl-stale, denylist, lifetime).");
        _authorizationDecisions = Meter.CreateCounter<long>("apiproxygateway.authorization.decisions", "{decision}", "Authorization decisions, by result and whether the cache answered.");
        _reviewDuration = Meter.CreateHistogram<double>("apiproxygateway.subjectaccessreview.duration", "s", "Time the API server took to answer a SubjectAccessReview.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _rejectedStreams = Meter.CreateCounter<long>("apiproxygateway.streams.rejected", "{stream}", "Streams refused by a concurrency limit, by limit.");
        _rejectedProxyRequests = Meter.CreateCounter<long>("apiproxygateway.proxy.requests.rejected", "{request}", "Ordinary proxy subresource requests refused by a concurrency limit, by limit.");
        _auditDropped = Meter.CreateCounter<long>("apiproxygateway.audit.events.dropped", "{event}", "Audit events dropped because the writer could not keep up.");
        _certificateReloads = Meter.CreateCounter<long>("apiproxygateway.certificate.reloads", "{reload}", "Certificate reloads by plane and result (a failed reload keeps the old material).");
        _sessionsEnded = Meter.CreateCounter<long>("apiproxygateway.sessions.ended", "{session}", "Open connections and streams the gateway ended because their access was taken away, by kind (connection, exec, attach, portforward, logs, proxy, watch) and reason.");
        _reauthorizationRound = Meter.CreateHistogram<double>("apiproxygateway.sessions.reauthorization.duration", "s", "Time a round of re-authorizing every open stream took, from the interval's tick to the last answer (a round is paced over the first half of the interval).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] });
        _egressDials = Meter.CreateCounter<long>("apiproxygateway.egress.dials", "{dial}", "Connections opened to upstreams, by egress selection, protocol (direct, httpconnect, grpc), transport and result.");
        _egressDialDuration = Meter.CreateHistogram<double>("apiproxygateway.egress.dial.duration", "s", "Time to open a connection to an upstream through its egress (a Konnectivity server's answer included), by selection, protocol and result.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _activeRecordings = Meter.CreateUpDownCounter<long>("apiproxygateway.recordings.active", "{recording}", "Session recordings being written now, by format (cast, jsonl).");
        _recordings = Meter.CreateCounter<long>("apiproxygateway.recordings", "{recording}", "Session recordings by format and outcome (complete; failed: could not be created or written; discarded: the stream never started).");
        _recordedBytes = Meter.CreateCounter<long>("apiproxygateway.recordings.written", "By", "Bytes written to session recordings.");
    }

    public Meter Meter { get; }

    public void RequestStarted() => Interlocked.Increment(ref _activeRequests);

    public void RequestCompleted(string routeKind, string method, int code, TimeSpan duration)
    {
        Interlocked.Decrement(ref _activeRequests);
        var tags = new TagList { { "route", routeKind }, { "method", method }, { "code", code } };
        _requests.Add(1, tags);
        _requestDuration.Record(duration.TotalSeconds, tags);
    }

    public void StreamStarted(string kind, string protocol) =>
        _activeStreams.Add(1, new TagList { { "kind", kind }, { "protocol", protocol } });

    public void StreamFinished(string kind, string protocol, string outcome, long bytesIn, long bytesOut)
    {
        _activeStreams.Add(-1, new TagList { { "kind", kind }, { "protocol", protocol } });
        _streams.Add(1, new TagList { { "kind", kind }, { "protocol", protocol }, { "outcome", outcome } });
        _streamBytes.Add(bytesIn, new TagList { { "kind", kind }, { "direction", "in" } });
        _streamBytes.Add(bytesOut, new TagList { { "kind", kind }, { "direction", "out" } });
    }

    public void UpstreamHandshake(string upstream, TimeSpan duration) =>
        _handshakeDuration.Record(duration.TotalSeconds, new TagList { { "upstream", upstream } });

    public void UpstreamFailure(string upstream, string reason) =>
        _tlsFailures.Add(1, new TagList { { "upstream", upstream }, { "reason", reason } });

    public void AuthenticationFailure(string reason) =>
        _authenticationFailures.Add(1, new TagList { { "reason", reason } });

    public void RevocationRefusal(string source) =>
        _revocationRefusals.Add(1, new TagList { { "source", source } });

    /// <summary>The age (since thisUpdate, the oldest CRL of the file) and the number of stale CRLs (past nextUpdate) of each client CRL file.</summary>
    public void ObserveRevocationLists(Func<IEnumerable<(string File, TimeSpan Age, int Stale)>> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        Meter.CreateObservableGauge("apiproxygateway.revocation.crl.age", () => files().Select(file =>
            new Measurement<double>(file.Age.TotalSeconds, new TagList { { "file", file.File } })), "s", "Seconds since each client CRL file's (oldest) CRL was issued.");
        Meter.CreateObservableGauge("apiproxygateway.revocation.crl.stale", () => files().Select(file =>
            new Measurement<int>(file.Stale, new TagList { { "file", file.File } })), "{crl}", "CRLs of each client CRL file that are past their nextUpdate (0 when all are current).");
    }

    public void AuthorizationDecision(string result, bool cacheHit) =>
        _authorizationDecisions.Add(1, new TagList { { "result", result }, { "cache", cacheHit ? "hit" : "miss" } });

    public void SubjectAccessReview(TimeSpan duration) => _reviewDuration.Record(duration.TotalSeconds);

    public void StreamRejected(string limit) => _rejectedStreams.Add(1, new TagList { { "limit", limit } });

    public void ProxyRequestRejected(string limit) => _rejectedProxyRequests.Add(1, new TagList { { "limit", limit } });

    public void AuditEventDropped() => _auditDropped.Add(1);

    public void CertificateReload(string plane, bool succeeded) =>
        _certificateReloads.Add(1, new TagList { { "plane", plane }, { "result", succeeded ? "success" : "failure" } });

    public void RecordingStarted(string format) => _activeRecordings.Add(1, new TagList { { "format", format } });

    public void RecordingFinished(string format, bool started, string outcome, long bytes)
    {
        if (started)
        {
            _activeRecordings.Add(-1, new TagList { { "format", format } });
        }

        _recordings.Add(1, new TagList { { "format", format }, { "outcome", outcome } });
        _recordedBytes.Add(bytes);
    }

    public void SessionEnded(string kind, string reason) =>
        _sessionsEnded.Add(1, new TagList { { "kind", kind }, { "reason", reason } });

    public void ReauthorizationRound(TimeSpan duration) => _reauthorizationRound.Record(duration.TotalSeconds);

    public void EgressDial(string selection, string protocol, string transport, string result, TimeSpan duration)
    {
        _egressDials.Add(1, new TagList { { "selection", selection }, { "protocol", protocol }, { "transport", transport }, { "result", result } });
        _egressDialDuration.Record(duration.TotalSeconds, new TagList { { "selection", selection }, { "protocol", protocol }, { "result", result } });
    }
}
