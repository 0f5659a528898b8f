namespace ApiProxyGateway.Recording;

/// <summary>A session must be recorded (<c>--recording-required</c>) and its recording cannot be written.</summary>
internal sealed class RecordingUnavailableException(string message) : Exception(message);
