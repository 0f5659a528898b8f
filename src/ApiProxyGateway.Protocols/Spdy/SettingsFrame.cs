namespace ApiProxyGateway.Protocols.Spdy;

internal sealed record SettingsFrame(bool ClearSettings, IReadOnlyList<SpdySetting> Entries) : SpdyFrame;
