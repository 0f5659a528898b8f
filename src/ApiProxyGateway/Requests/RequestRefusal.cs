namespace ApiProxyGateway.Requests;

/// <summary>Why a request is not served: the status code, the Kubernetes reason, and a message for people.</summary>
internal sealed record RequestRefusal(int Code, string Reason, string Message)
{
    public static RequestRefusal BadRequest(string message) => new(400, "BadRequest", message);

    public static RequestRefusal NotFound(string message) => new(404, "NotFound", message);
}
