using ApiProxyGateway.Settings;

namespace ApiProxyGateway.Health;

/// <summary>Checks the operations listener's address and port at start-up.</summary>
internal sealed class OperationsOptionsValidator : OptionsValidator<OperationsOptions>
{
    protected override void Check(OperationsOptions options, SettingErrors errors)
    {
        errors.Address("Operations:BindAddress", options.BindAddress);
        errors.Port("Operations:Port", options.Port, zeroMeans: "the listener is off");
    }
}
