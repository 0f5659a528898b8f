using Microsoft.AspNetCore.Http.Features;

namespace ApiProxyGateway.Requests;

internal static class RequestFeatures
{
    /// <summary>The request's classification; every request past <c>UseRequestClassification</c> has one.</summary>
    public static ClassifiedRequest Classified(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.GetRequiredFeature<ClassifiedRequest>();
    }
}
