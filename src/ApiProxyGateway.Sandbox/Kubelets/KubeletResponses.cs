namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>The kubelet's error bodies are plain text (go-restful's WriteError and net/http's http.Error), not Status JSON.</summary>
internal static class KubeletResponses
{
    public static async Task TextAsync(HttpContext http, int status, string text)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        await http.Response.WriteAsync(text, http.RequestAborted);
    }

    /// <summary>net/http's http.Error: the message and a newline.</summary>
    public static Task ErrorAsync(HttpContext http, int status, string message) => TextAsync(http, status, message + "\n");
}
