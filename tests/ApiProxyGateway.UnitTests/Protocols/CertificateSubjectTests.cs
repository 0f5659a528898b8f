using System.Formats.Asn1;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sandbox.Pki;
using CsCheck;

namespace ApiProxyGateway.UnitTests.Protocols;

/// <summary>The subject is read as Go's crypto/x509 and pkix.Name read it, case by case.</summary>
public sealed class CertificateSubjectTests
{
    [Fact]
    public void Parse_SeveralCommonNames_TheLastInEncodingOrderIsTheUser()
    {
        var subject = Parse([[SubjectPart.CommonName("admin")], [SubjectPart.CommonName("viewer")]]);

        Assert.Equal("viewer", subject.CommonName);
    }

    [Fact]
    public void Parse_MultiValuedRdn_EveryAttributeIsRead()
    {
        var subject = Parse([[SubjectPart.Organization("a")], [SubjectPart.CommonName("viewer"), SubjectPart.Organization("x")]]);

        Assert.Equal("viewer", subject.CommonName);
        Assert.Equal(["a", "x"], subject.Organizations);
    }

    [Fact]
    public void Parse_OrganizationsAndCommonName_KeepEncodingOrderAndRepeats()
    {
        var subject = Parse([[SubjectPart.Organization("b")], [SubjectPart.Organization("a")], [SubjectPart.Organization("b")], [SubjectPart.CommonName("jane")]]);

        Assert.Equal(["b", "a", "b"], subject.Organizations);
    }

    [Fact]
    public void Parse_ControlCharacters_AreReadAsGoReadsThem()
    {
        var subject = Parse([[SubjectPart.Organization("tenants\r\nImpersonate-Group: system:masters")], [SubjectPart.CommonName("mal\nlory")]]);

        Assert.Equal("mal\nlory", subject.CommonName);
        Assert.Equal(["tenants\r\nImpersonate-Group: system:masters"], subject.Organizations);
    }

    [Theory]
    [InlineData(UniversalTagNumber.PrintableString, "jane-doe (ops) *&", "jane-doe (ops) *&")]
    [InlineData(UniversalTagNumber.IA5String, "jane@example", "jane@example")]
    [InlineData(UniversalTagNumber.NumericString, "12 34", "12 34")]
    [InlineData(UniversalTagNumber.BMPString, "Zoë", "Zoë")]
    [InlineData(UniversalTagNumber.T61String, "Zoë", "Zoë")]
    [InlineData(UniversalTagNumber.UTF8String, "Zoë 🙂", "Zoë 🙂")]
    public void Parse_EachGoStringType_IsDecoded(UniversalTagNumber type, string value, string expected)
    {
        Assert.Equal(expected, Parse([[new SubjectPart("CN", value, type)]]).CommonName);
    }

    [Theory]
    [InlineData(UniversalTagNumber.PrintableString, "jane@example")]
    [InlineData(UniversalTagNumber.PrintableString, "a_b")]
    [InlineData(UniversalTagNumber.IA5String, "é")]
    [InlineData(UniversalTagNumber.NumericString, "12a")]
    [InlineData(UniversalTagNumber.BMPString, "\ud83d\ude42")]
    [InlineData(UniversalTagNumber.BMPString, "\ufffe")]
    [InlineData(UniversalTagNumber.VisibleString, "jane")]
    public void Parse_StringGoRefuses_IsAFormatError(UniversalTagNumber type, string value)
    {
        Assert.Throws<FormatException>(() => Parse([[new SubjectPart("CN", value, type)]]));
    }

    [Fact]
    public void Parse_InvalidUtf8_IsAFormatError()
    {
        var name = Name(0x0C, [0x61, 0xFF, 0x62]);

        Assert.Throws<FormatException>(() => CertificateSubject.Parse(name));
    }

    [Fact]
    public void Parse_BmpStringWithTerminator_DropsIt()
    {
        var name = Name(0x1E, [0x00, 0x61, 0x00, 0x00]);

        Assert.Equal("a", CertificateSubject.Parse(name).CommonName);
    }

    [Fact]
    public void Parse_NoCommonName_IsEmpty()
    {
        Assert.Equal("", Parse([[SubjectPart.Organization("dev")]]).CommonName);
    }

    [Fact]
    public void Parse_MoreAttributesThanTheLimit_IsAFormatError()
    {
        var rdns = Enumerable.Range(0, CertificateSubject.MaxAttributes + 1).Select(i => (IReadOnlyList<SubjectPart>)[SubjectPart.Organization("g" + i)]);

        Assert.Throws<FormatException>(() => CertificateSubject.Parse(SubjectNames.Encode(rdns).RawData));
    }

    [Fact]
    public void Parse_AnyBytes_EitherReadsOrIsAFormatError()
    {
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            try
            {
                CertificateSubject.Parse(bytes);
            }
            catch (FormatException)
            {
                // Go refuses such a subject, and so do we.
            }
        });
    }

    [Fact]
    public void Parse_EncodedUtf8Subject_RoundTrips()
    {
        var text = Gen.Char.Where(c => !char.IsSurrogate(c)).Array[0, 20].Select(chars => new string(chars));
        var part = Gen.OneOf("CN", "O", "OU").Select(text, (type, value) => new SubjectPart(type, value));
        part.Array[1, 3].Array[0, 6].Sample(rdns =>
        {
            var subject = CertificateSubject.Parse(SubjectNames.Encode(rdns.Select(r => (IReadOnlyList<SubjectPart>)r)).RawData);

            var all = rdns.SelectMany(r => r).ToArray();
            Assert.Equal(all.LastOrDefault(a => a.Type == "CN")?.Value ?? "", subject.CommonName);
            Assert.Equal(all.Where(a => a.Type == "O").Select(a => a.Value), subject.Organizations);
        }, iter: 2000);
    }

    private static CertificateSubject Parse(IReadOnlyList<SubjectPart>[] rdns) => CertificateSubject.Parse(SubjectNames.Encode(rdns).RawData);

    /// <summary>A Name with one CN whose value is the raw element (tag, content), for bytes no encoder would write.</summary>
    private static byte[] Name(byte tag, byte[] content)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSetOf())
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("2.5.4.3");
            writer.WriteEncodedValue([tag, (byte)content.Length, .. content]);
        }

        return writer.Encode();
    }
}
