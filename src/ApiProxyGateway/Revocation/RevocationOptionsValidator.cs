using ApiProxyGateway.Settings;
using ApiProxyGateway.Tls;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Revocation;

/// <summary>
/// Reads every CRL and the denylist at start-up against the client-CA bundle, reporting every bad file at once. When
/// the bundle itself cannot be read, its own validator says so and nothing here can be checked.
/// </summary>
/// <remarks>
/// The bundle's path comes from the Serving settings as configured, not from <c>IOptions&lt;ServingOptions&gt;</c>:
/// that would run the Serving validator from inside this one, repeating its problems, or hiding these behind them.
/// </remarks>
internal sealed class RevocationOptionsValidator(IEnumerable<IConfigureOptions<ServingOptions>> serving, TimeProvider timeProvider) : OptionsValidator<RevocationOptions>
{
    protected override void Check(RevocationOptions options, SettingErrors errors)
    {
        if (options.CrlFiles.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add(RevocationOptions.CrlFilesSetting, "a file name is empty");
        }

        var crlFiles = options.CrlFiles.Where(file => !string.IsNullOrWhiteSpace(file)).ToList();
        if (crlFiles.Count == 0 && string.IsNullOrWhiteSpace(options.DenylistFile))
        {
            return;
        }

        try
        {
            ClientAuthorities.With(ClientCaFile(), timeProvider.GetUtcNow(), authorities =>
            {
                foreach (var file in crlFiles)
                {
                    TryRead(errors, RevocationOptions.CrlFilesSetting, () => CrlReader.Read(file, authorities));
                }

                if (!string.IsNullOrWhiteSpace(options.DenylistFile))
                {
                    TryRead(errors, RevocationOptions.DenylistFileSetting, () => DenylistReader.Read(options.DenylistFile, authorities));
                }

                return true;
            });
        }
        catch (InvalidDataException)
        {
            // The client-CA bundle is missing or unusable: Serving:ClientCaFile's validator reports it.
        }
    }

    private string ClientCaFile()
    {
        var settings = new ServingOptions();
        foreach (var configure in serving)
        {
            configure.Configure(settings);
        }

        return settings.ClientCaFile;
    }

    private static void TryRead(SettingErrors errors, string setting, Action read)
    {
        try
        {
            read();
        }
        catch (InvalidDataException e)
        {
            errors.Add(setting, e.Message);
        }
    }
}
