// Flaky Stages: prefix products of (1 - p_i) kept as mantissa * 2^exponent,
// so they never underflow; stages with p_i = 1 are counted separately.
// Byte-level input and output: Scanner or String.format would be too slow here.
import java.io.*;

public class Main {
    private static final InputStream in = System.in;
    private static final byte[] ibuf = new byte[1 << 16];
    private static int ilen = 0, iptr = 0;

    private static int readByte() throws IOException {
        if (iptr == ilen) {
            ilen = in.read(ibuf, 0, ibuf.length);
            iptr = 0;
            if (ilen <= 0) return -1;
        }
        return ibuf[iptr++];
    }

    private static int readInt() throws IOException {
        int c = readByte();
        while (c < '0' || c > '9') c = readByte();
        int r = 0;
        while (c >= '0' && c <= '9') { r = r * 10 + (c - '0'); c = readByte(); }
        return r;
    }

    // Reads a probability written with at most 6 decimals and returns it in millionths.
    private static int readMicros() throws IOException {
        int c = readByte();
        while (c < '0' || c > '9') c = readByte();
        int whole = 0;
        while (c >= '0' && c <= '9') { whole = whole * 10 + (c - '0'); c = readByte(); }
        int frac = 0, digits = 0;
        if (c == '.') {
            c = readByte();
            while (c >= '0' && c <= '9') {
                if (digits < 6) { frac = frac * 10 + (c - '0'); digits++; }
                c = readByte();
            }
        }
        while (digits < 6) { frac *= 10; digits++; }
        return whole * 1000000 + frac;
    }

    public static void main(String[] args) throws IOException {
        int n = readInt();
        int q = readInt();
        double[] mant = new double[n + 1];
        long[] expo = new long[n + 1];
        int[] certain = new int[n + 1];
        mant[0] = 0.5; expo[0] = 1; // 1 = 0.5 * 2^1
        for (int i = 1; i <= n; i++) {
            int okMicros = 1000000 - readMicros();
            certain[i] = certain[i - 1];
            mant[i] = mant[i - 1];
            expo[i] = expo[i - 1];
            if (okMicros == 0) { certain[i]++; continue; }
            double v = mant[i - 1] * (okMicros / 1e6); // in (0, 1), normal
            int e = Math.getExponent(v) + 1;          // v = m * 2^e with m in [0.5, 1)
            mant[i] = Math.scalb(v, -e);
            expo[i] = expo[i - 1] + e;
        }
        ByteArrayOutputStream bout = new ByteArrayOutputStream(q * 14);
        byte[] line = new byte[13];
        for (int k = 0; k < q; k++) {
            int l = readInt(), r = readInt();
            double ans;
            if (certain[r] != certain[l - 1]) {
                ans = 1.0;
            } else {
                long de = expo[r] - expo[l - 1];
                double ratio = de < -2000 ? 0.0 : Math.scalb(mant[r] / mant[l - 1], (int) de);
                ans = 1.0 - ratio;
            }
            // fixed-point with 10 decimals: "d.dddddddddd\n"
            long v = Math.round(ans * 1e10);
            line[0] = (byte) ('0' + v / 10000000000L);
            line[1] = '.';
            long f = v % 10000000000L;
            for (int d = 11; d >= 2; d--) { line[d] = (byte) ('0' + f % 10); f /= 10; }
            line[12] = '\n';
            bout.write(line, 0, 13);
        }
        System.out.write(bout.toByteArray());
        System.out.flush();
    }
}
