using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Revocation;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class DenylistReaderTests : IDisposable
{
    private const string Path = "/etc/apiproxygateway/denylist";
    private readonly X509Certificate2 _ca = TestPki.CreateAuthority("test-cluster-ca");
    private readonly X509Certificate2 _teamCa = CreateAuthority("C=US, O=Example Org, CN=team-ca");
    private readonly X509Certificate2Collection _bundle;

    public DenylistReaderTests() => _bundle = [_ca, _teamCa];

    [Theory]
    [InlineData("AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34")]
    [InlineData("sha256:ab12cd34ab12cd34ab12cd34ab12cd34ab12cd34ab12cd34ab12cd34ab12cd34")]
    [InlineData("SHA256:AB:12:CD:34:AB:12:CD:34:AB:12:CD:34:AB:12:CD:34:AB:12:CD:34:AB:12:CD:34:AB:12:CD:34:AB:12:CD:34")]
    [InlineData("  ab12cd34ab12cd34ab12cd34ab12cd34ab12cd34ab12cd34ab12cd34ab12cd34\r")]
    public void Parse_ThumbprintInAnyAcceptedForm_IsKeptAsUppercaseHexWithItsLine(string line)
    {
        var denylist = DenylistReader.Parse(Path, $"# comment\n\n{line}\n", _bundle);

        Assert.Equal(3, denylist.Thumbprints["AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34"]);
        Assert.Empty(denylist.IssuerSerials);
    }

    [Theory]
    [InlineData("serial=0A1B2C issuer=CN = test-cluster-ca")] // openssl x509 -noout -issuer
    [InlineData("serial=00:0a:1b:2c issuer=CN=test-cluster-ca")]
    [InlineData("SERIAL=a1b2c issuer=cn=TEST-CLUSTER-CA")]
    public void Parse_IssuerAndSerial_IsKeyedByTheCasExactSubjectBytes(string line)
    {
        var denylist = DenylistReader.Parse(Path, line, _bundle);

        Assert.Equal(1, denylist.IssuerSerials[Denylist.IssuerSerialKey(_ca.SubjectName.RawData, "A1B2C")]);
    }

    [Theory]
    [InlineData("serial=05 issuer=C = US, O = Example Org, CN = team-ca")] // openssl's order: most general first
    [InlineData("serial=05 issuer=CN=team-ca,O=Example Org,C=US")] // RFC 4514's order
    [InlineData("serial=05 issuer=2.5.4.3=team-ca, O=Example Org, C=US")]
    public void Parse_IssuerWithSeveralAttributes_IsFoundInEitherOrder(string line)
    {
        var denylist = DenylistReader.Parse(Path, line, _bundle);

        Assert.Equal(1, denylist.IssuerSerials[Denylist.IssuerSerialKey(_teamCa.SubjectName.RawData, "5")]);
    }

    [Fact]
    public void Parse_IssuerByTheCasThumbprint_IsFound()
    {
        var denylist = DenylistReader.Parse(Path, $"serial=7 issuer=sha256:{_teamCa.GetCertHashString(HashAlgorithmName.SHA256)}", _bundle);

        Assert.Equal(1, denylist.IssuerSerials[Denylist.IssuerSerialKey(_teamCa.SubjectName.RawData, "7")]);
    }

    [Theory]
    [InlineData("AB12", "line 2: 'AB12' is neither a SHA-256 thumbprint (64 hex digits, colons allowed, optionally after 'sha256:') nor 'serial=HEX issuer=NAME'")]
    [InlineData("serial=0A1B", "line 2: an issuer and serial entry reads 'serial=HEX issuer=NAME'")]
    [InlineData("serial=0A1B CN=test-cluster-ca", "line 2: an issuer and serial entry reads 'serial=HEX issuer=NAME'")]
    [InlineData("serial=xyz issuer=CN=test-cluster-ca", "line 2: serial 'xyz' is not a hex number")]
    [InlineData("serial=01 issuer=CN=some-other-ca", "line 2: issuer 'CN=some-other-ca' is not a CA of the client-CA bundle")]
    [InlineData("serial=01 issuer=CN=test-cluster-ca, O=extra", "line 2: issuer 'CN=test-cluster-ca, O=extra' is not a CA of the client-CA bundle")]
    [InlineData("serial=01 issuer=not a name", "line 2: issuer 'not a name' is not a CA of the client-CA bundle")]
    [InlineData("serial=01 issuer=sha256:0000000000000000000000000000000000000000000000000000000000000000", "line 2: issuer 'sha256:0000000000000000000000000000000000000000000000000000000000000000' is not a CA of the client-CA bundle")]
    public void Parse_MalformedEntry_RefusesTheFileNamingTheLine(string line, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => DenylistReader.Parse(Path, $"# ok\n{line}\n", _bundle));

        Assert.Equal($"denylist '{Path}': {expected}", error.Message);
    }

    [Fact]
    public void Parse_ManyBadLines_ReportsTheFirstTenAndCountsTheRest()
    {
        var error = Assert.Throws<InvalidDataException>(() => DenylistReader.Parse(Path, string.Concat(Enumerable.Repeat("bad\n", 12)), _bundle));

        Assert.Contains("line 10: 'bad'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("line 11:", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("; and 2 more", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FileOverTheLimit_IsRefusedBeforeParsing()
    {
        var file = System.IO.Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, new byte[DenylistReader.MaxFileBytes + 1]);

            var error = Assert.Throws<InvalidDataException>(() => DenylistReader.Read(file, _bundle));

            Assert.Equal($"file '{file}' is larger than 4 MiB", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public void Dispose()
    {
        _ca.Dispose();
        _teamCa.Dispose();
    }

    private static X509Certificate2 CreateAuthority(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(subject, X500DistinguishedNameFlags.Reversed), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
