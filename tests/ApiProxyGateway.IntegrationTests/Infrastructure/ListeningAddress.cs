using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ApiProxyGateway.IntegrationTests.Infrastructure;

/// <summary>Where a started in-test server listens (its first address, port 0 resolved), as a URL to give a client.</summary>
internal static class ListeningAddress
{
    public static Uri Of(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First(); // ! Kestrel has the feature
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }
}
