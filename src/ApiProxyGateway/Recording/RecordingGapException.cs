namespace ApiProxyGateway.Recording;

/// <summary>A recording stopped because its session could no longer be followed, not because the file failed.</summary>
internal sealed class RecordingGapException(string message) : Exception(message);
