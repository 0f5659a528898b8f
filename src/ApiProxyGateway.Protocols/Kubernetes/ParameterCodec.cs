namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>How kube-apiserver's parameter codec reads a query option's value, in one place for every reader.</summary>
public static class ParameterCodec
{
    /// <summary>
    /// <c>runtime.Convert_Slice_string_To_bool</c> on a parameter's first value (null when the parameter is absent):
    /// absent is false; <c>0</c> and <c>false</c> (any case) are false; any other value, the empty one included
    /// (<c>?stdin</c>, <c>?tty=</c>), is true.
    /// </summary>
    public static bool Bool(string? first) =>
        first is not null && first != "0" && !first.Equals("false", StringComparison.OrdinalIgnoreCase);
}
