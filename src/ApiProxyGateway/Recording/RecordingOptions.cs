namespace ApiProxyGateway.Recording;

/// <summary>
/// Session recording (section <c>Recording</c>): every exec and attach the policy selects is written, as it runs, to
/// one file in <see cref="Directory"/>: asciicast v2 for terminal sessions, JSON lines for the others.
/// </summary>
internal sealed record RecordingOptions
{
    public const string SectionName = "Recording";

    /// <summary>Where recordings are written (<c>--recording-dir</c>). Unset: nothing is recorded (logged at start-up).</summary>
    public string? Directory { get; init; }

    /// <summary>Which sessions are recorded (<c>--record-sessions none|tty|all</c>). Default tty.</summary>
    public RecordingMode Mode { get; init; } = RecordingMode.Tty;

    /// <summary>Per-namespace modes that take the place of <see cref="Mode"/> (<c>Recording:Namespaces:kube-system=all</c>).</summary>
    public Dictionary<string, RecordingMode> Namespaces { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Also record what the user types (<c>--record-input</c>). Off by default: input can hold passwords. Without it,
    /// stdin's size and SHA-256 are still kept.
    /// </summary>
    public bool RecordInput { get; init; }

    /// <summary>
    /// Fail closed (<c>--recording-required</c>): a session whose recording cannot be written is refused (503), and
    /// one whose recording stops being writable is ended. Default false: the session goes on unrecorded, logged.
    /// </summary>
    public bool Required { get; init; }

    /// <summary>
    /// Bytes of stream data kept per session; past it only each channel's size and SHA-256 are (a <c>kubectl cp</c>
    /// pushes whole archives through stdin). Default 16 MiB.
    /// </summary>
    public long MaxSessionBytes { get; init; } = 16L << 20;

    /// <summary>Most bytes all recordings may take; the oldest go first. Default 10 GiB.</summary>
    public long MaxTotalBytes { get; init; } = 10L << 30;

    /// <summary>How long a recording is kept. Default 30 days.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How often retention runs. Default 1 minute.</summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How often an open recording is flushed to the file: a crash loses at most this much. Default 1 second.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The mode for a session in <paramref name="namespace"/>.</summary>
    public RecordingMode ModeFor(string @namespace) => Namespaces.TryGetValue(@namespace, out var mode) ? mode : Mode;
}
