// WRONG: the right algorithm with fast input, but the prefix sums are 32-bit ints,
// which overflow as soon as a few values of size 10^9 are added up.
import java.io.*;

public class Main {
    private static final InputStream in = System.in;
    private static final byte[] buf = new byte[1 << 16];
    private static int len = 0, ptr = 0;

    private static int readByte() throws IOException {
        if (ptr == len) {
            len = in.read(buf, 0, buf.length);
            ptr = 0;
            if (len <= 0) return -1;
        }
        return buf[ptr++];
    }

    private static int readInt() throws IOException {
        int c = readByte();
        while (c != '-' && (c < '0' || c > '9')) c = readByte();
        boolean neg = false;
        if (c == '-') { neg = true; c = readByte(); }
        int r = 0;
        while (c >= '0' && c <= '9') { r = r * 10 + (c - '0'); c = readByte(); }
        return neg ? -r : r;
    }

    public static void main(String[] args) throws IOException {
        int n = readInt();
        int L = readInt();
        int[] P = new int[n + 1];
        for (int i = 1; i <= n; i++) P[i] = P[i - 1] + readInt();
        int low = P[0], best = P[L] - P[0];
        for (int j = L; j <= n; j++) {
            low = Math.min(low, P[j - L]);
            best = Math.max(best, P[j] - low);
        }
        System.out.println(best);
    }
}
