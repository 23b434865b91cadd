namespace SerSweep.Audio.Dsp;

/// <summary>DCT-II with orthonormal scaling as torchaudio.functional.create_dct(n_mfcc, n_mels, "ortho").</summary>
public static class DctMatrix
{
    /// <summary>Row-major [nMels, nMfcc], ready for logmel[.., mel] x dct.</summary>
    public static float[] Create(int nMfcc, int nMels)
    {
        var dct = new float[nMels * nMfcc];
        for (var n = 0; n < nMels; n++)
            for (var k = 0; k < nMfcc; k++)
            {
                var scale = k == 0 ? Math.Sqrt(1.0 / nMels) : Math.Sqrt(2.0 / nMels);
                dct[n * nMfcc + k] = (float)(Math.Cos(Math.PI / nMels * (n + 0.5) * k) * scale);
            }
        return dct;
    }
}
