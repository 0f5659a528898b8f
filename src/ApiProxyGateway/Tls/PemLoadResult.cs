namespace ApiProxyGateway.Tls;

/// <summary>The outcome of loading PEM material: the value, or the problem with the certificate and/or the key file.</summary>
internal sealed record PemLoadResult<T>(T? Value, string? CertificateError, string? KeyError)
    where T : class
{
    public static PemLoadResult<T> Loaded(T value) => new(value, null, null);

    public static PemLoadResult<T> Failed(string? certificateError, string? keyError) => new(null, certificateError, keyError);
}
