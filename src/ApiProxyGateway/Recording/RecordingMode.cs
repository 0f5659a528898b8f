namespace ApiProxyGateway.Recording;

/// <summary>Which exec and attach sessions are recorded (<c>--record-sessions</c>).</summary>
internal enum RecordingMode
{
    /// <summary>None.</summary>
    None,

    /// <summary>Interactive sessions only (a terminal was asked for: <c>tty=true</c>). The default.</summary>
    Tty,

    /// <summary>Every exec and attach, non-interactive ones (scripts, <c>kubectl cp</c>) included.</summary>
    All,
}
