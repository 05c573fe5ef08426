// First Bad Commit: this is an interactive problem. Flush after every line you print.
import java.io.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        long n = Long.parseLong(in.readLine().trim());
        // Ask a question with: System.out.println("? " + k); System.out.flush();
        // Answer with:         System.out.println("! " + k); System.out.flush();
    }
}
